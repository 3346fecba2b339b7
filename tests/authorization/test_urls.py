"""Every URL pattern of Gilde has a rule in tests/authorization/rules.py, and every rule a URL: a
new view without one fails here, listing it, as does a rule left behind by a removed view. The
Django admin's model pages are found from admin.site (test_admin.py), so a new model admin is
covered as it is registered; everything else is named one by one."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authorization.rules import ACCOUNTS, ADMIN_SITE, CASES, LOGIN
from tests.authorization.test_admin import MODEL_URLS


def patterns(resolvers=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(key, route) for every URL pattern: its name ("admin:index" in a namespace), or its route
    where it has none."""
    found = []
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            found += patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append((name or route, route))
    return found


def ruled() -> set[str]:
    """Every key a rule is given for."""
    keys = {case.name for case in CASES} | set(ACCOUNTS) | set(ADMIN_SITE)
    keys |= {name for _label, page, name in MODEL_URLS if page != "object"}
    for model in admin.site._registry:  # the bare object URL, sent on to the change page
        keys.add(f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/")
    return keys


def test_every_url_pattern_has_a_rule_and_every_rule_a_pattern():
    found = {key for key, _route in patterns()}
    assert sorted(found - ruled()) == [], "URL patterns without a rule in tests/authorization/rules.py"
    assert sorted(ruled() - found) == [], "rules for URL patterns that no longer exist"


def test_the_rules_cover_this_many_patterns():
    """So the report's count stays true: Gilde's own, allauth's and the admin's."""
    found = [key for key, _route in patterns()]
    own = [key for key in found if not key.startswith(("admin", "account", "social"))]
    assert len(found) == len(set(found)), "two patterns share a name"
    assert len(own) == len({case.name for case in CASES})


def test_the_table_names_one_rule_per_url_and_method():
    seen = [case.id for case in CASES]
    assert len(seen) == len(set(seen))


@pytest.mark.django_db
def test_dev_mail_is_there_with_debug_on_for_anyone_on_the_developers_machine(settings):
    """With DEBUG off (as in every other test, and in production) dev/mail/ is a 404 for everyone
    (test_views); with DEBUG on and no mail server, it lists what the local outbox holds, without a
    login: it exists only on a developer's own machine."""
    settings.DEBUG = True
    settings.MAILERS = {"default": {"BACKEND": "cop.devmail.LocalOutboxBackend"}}
    response = Client().get("/dev/mail/")
    assert response.status_code == 200
    assert Client().get("/dev/mail/no-such-message/").status_code == 404
    assert {case.anonymous for case in CASES if case.name.startswith("devmail")} == {404}
    assert LOGIN not in {case.anonymous for case in CASES if case.name.startswith("health")}
