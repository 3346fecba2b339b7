"""The Django admin: every registered model admin's pages and the admin site's own. Nobody but
staff ever sees a page (the admin's login instead, even for a manager); the admin (a superuser, as
`manage.py createsuperuser` and the demo make them) gets each page, or the exact refusal its model
admin gives; staff without model permissions get the index and nothing of any model."""

from datetime import date

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cop.models import ChatWebhook, HealthSnapshot, Heartbeat, Kudos, NotificationPreference, Success
from members.models import User
from tests.authorization.rules import ADMIN_REFUSALS, ADMIN_SITE
from tests.authorization.world import VISITORS, sign_in
from tests.factories import UserFactory, announcement

pytestmark = pytest.mark.django_db

NOT_STAFF = [visitor for visitor in VISITORS if visitor != "admin"]
PAGES = ("changelist", "add", "change", "delete", "history", "object")  # object: <id>/, to its change page


def _rows(world) -> None:
    """A row for every registered model the world has none of, to open its change pages."""
    ours = world.ours
    Group.objects.create(name="Redactie")
    app = SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="geheim")
    account = SocialAccount.objects.create(user_id=ours.people["author"], provider="google", uid="1")
    SocialToken.objects.create(app=app, account=account, token="token")
    Heartbeat.objects.create(name="worker", last_seen=timezone.now())
    HealthSnapshot.objects.create(community_id=ours.community, week=date(2026, 1, 5), lights={})
    ChatWebhook.objects.create(community_id=ours.community, provider="slack", url="https://chat.example.org/hook")
    NotificationPreference.objects.create(user_id=ours.people["author"], category="digest", email=False)
    announcement(User.objects.get(pk=ours.people["author"]), Success.objects.get(pk=ours.success).community)
    Kudos.objects.create(success_id=ours.success, user_id=ours.people[next(iter(world.visitors))])
    if apps.is_installed("cop") and "auditevent" in apps.all_models["cop"]:
        apps.get_model("cop", "AuditEvent").objects.create(action="export", target="rij")


def model_urls() -> list[tuple[str, str, str]]:
    """(model label, page, URL name) for every registered model admin."""
    found = []
    for model in admin.site._registry:
        label, name = model._meta.label_lower, f"admin:{model._meta.app_label}_{model._meta.model_name}"
        found += [(label, page, f"{name}_{'changelist' if page == 'object' else page}") for page in PAGES]
    return found


MODEL_URLS = model_urls()


@pytest.fixture
def objects(world):
    _rows(world)
    return {model._meta.label_lower: model._default_manager.order_by("pk").first() for model in admin.site._registry}


def url_of(objects: dict, label: str, page: str, name: str) -> str:
    if page == "object":
        return f"{reverse(name)}{objects[label].pk}/"
    return reverse(name) if page in {"changelist", "add"} else reverse(name, args=[objects[label].pk])


def admin_login(url: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = url
    return f"/admin/login/?{query.urlencode(safe='/')}"


def superuser(client: Client) -> Client:
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="en"))
    return client


@pytest.mark.parametrize(
    ("label", "page", "name"), MODEL_URLS, ids=[f"{label} {page}" for label, page, _name in MODEL_URLS]
)
def test_each_model_page_is_for_the_admin_only(client, world, objects, label, page, name):
    url = url_of(objects, label, page, name)
    for visitor in NOT_STAFF:  # anonymous, every member, the other community's, the manager
        visiting = Client()
        sign_in(visiting, world, visitor)
        response = visiting.get(url)
        assert (visitor, response.status_code, response.get("Location")) == (visitor, 302, admin_login(url))
    staff = Client()
    sign_in(staff, world, "admin")  # is_staff without permissions: nothing of any model
    response = staff.get(url)
    change = page == "object" and url_of(objects, label, "change", name.replace("changelist", "change"))
    assert (response.status_code, response.get("Location")) == ((302, change) if page == "object" else (403, None))
    response = superuser(client).get(url)
    if page == "object":
        assert (response.status_code, response["Location"]) == (302, change)
    else:
        assert response.status_code == ADMIN_REFUSALS.get((label, page), 200)


DELETES = [url for url in MODEL_URLS if url[1] == "delete"]


@pytest.mark.parametrize(("label", "page", "name"), DELETES, ids=[label for label, _page, _name in DELETES])
def test_a_delete_posted_by_anyone_but_the_admin_deletes_nothing(world, objects, label, page, name):
    obj = objects[label]
    url = url_of(objects, label, page, name)
    for visitor in [*NOT_STAFF, "admin"]:
        visiting = Client()
        sign_in(visiting, world, visitor)
        response = visiting.post(url, {"post": "yes"})
        assert response.status_code == (403 if visitor == "admin" else 302), visitor
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(("name", "expected"), ADMIN_SITE.items(), ids=list(ADMIN_SITE))
def test_the_admin_sites_own_pages(client, world, objects, name, expected):
    """expected: (URL, what those not staff get, what staff without permissions get, the admin)."""
    url, visitors, staff, admin_gets = expected(objects)
    for visitor in NOT_STAFF:
        visiting = Client()
        sign_in(visiting, world, visitor)
        response = visiting.get(url)
        got = (response.status_code, response.get("Location"))
        wanted = visitors if visitor != "anonymous" or name != "admin:login" else (200, None)
        assert (visitor, got) == (visitor, (302, admin_login(url)) if wanted == "login" else wanted)
    staffed = Client()
    sign_in(staffed, world, "admin")
    response = staffed.get(url)
    assert (response.status_code, response.get("Location")) == staff
    response = superuser(client).get(url)
    assert (response.status_code, response.get("Location")) == admin_gets
