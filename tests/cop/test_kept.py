"""{% kept %} (cop/templatetags/kept.py): the site header rendered once per process for each
language, role and menu entry, each request with its own CSRF token and return address."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from cop.templatetags import kept
from feedback.links import invite_link
from feedback.models import SurveyInvite
from tests.factories import CommunityFactory, UserFactory
from tests.feedback.helpers import member, survey_with
from tests.feedback.helpers import path as link_path

pytestmark = pytest.mark.django_db

HEADER = re.compile(r"<header.*?</header>", re.DOTALL)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def header(response):
    return HEADER.search(response.text)[0]


def header_node():
    from django.template.loader import get_template  # noqa: PLC0415

    [node] = get_template("base.html").template.nodelist.get_nodes_by_type(kept.KeptNode)
    return node


def test_the_header_is_what_rendering_it_each_time_gives(client, settings):
    manager, intern = UserFactory(is_manager=True, language="nl"), UserFactory(language="en")
    colleague = UserFactory(language="nl")  # the manager's language, not their role
    seen = {}
    visits = [(manager, reverse("home")), (manager, reverse("agenda")), (intern, reverse("agenda")), (colleague, "/")]
    for person, path in visits:
        client.force_login(person)
        first, second = header(client.get(path)), header(client.get(path))  # rendered, then kept
        assert TOKEN.sub("", first) == TOKEN.sub("", second)
        seen[person.pk, path] = TOKEN.sub("", first)
    assert len(header_node().parts) == 4
    settings.DEBUG = True  # rendered every time: the same header
    for (pk, path), text in seen.items():
        client.force_login(UserFactory._meta.model.objects.get(pk=pk))
        assert TOKEN.sub("", header(client.get(path))) == text
    assert 'href="/dashboard/"' in seen[manager.pk, reverse("home")]
    assert 'href="/dashboard/"' not in seen[intern.pk, reverse("agenda")]
    assert 'href="/dashboard/"' not in seen[colleague.pk, "/"]
    assert '<a href="/agenda/" aria-current="page">Agenda</a>' in seen[manager.pk, reverse("agenda")]
    assert 'aria-current="page">Agenda' not in seen[manager.pk, reverse("home")]
    assert "Uitloggen" in seen[manager.pk, reverse("home")]
    assert "Log out" in seen[intern.pk, reverse("agenda")]
    assert f'name="next" value="{reverse("agenda")}"' in seen[intern.pk, reverse("agenda")]


def visit(person, method, path, **headers):
    """A page as `person` (None: a visitor) sees it; a post without its token, refused with the
    403 page (which has the header)."""
    client = Client(enforce_csrf_checks=True)
    if person is not None:
        client.force_login(person)
    response = getattr(client, method)(path, headers={"accept-language": "nl", **headers})
    assert response.status_code == (200 if method == "get" else 403)
    return TOKEN.sub("", header(response))


def test_every_value_the_header_shows_is_in_its_key_or_put_in(settings):
    """Pairs of visits that differ in one value each, the header kept from the first before the
    second asks: leaving any value out of the key would give the second the first's header (each
    one checked by taking it out; signed in or not also shows in `user.is_manager`, which a
    visitor's AnonymousUser lacks). The language switch's return address is put in: visits that
    differ only in it share a part."""
    colleague, manager = UserFactory(language="nl"), UserFactory(language="nl", is_manager=True)
    admin, english = UserFactory(language="nl", is_staff=True), UserFactory(language="en")
    visits = [
        (None, "get", "/accounts/login/", {}),
        (None, "get", "/accounts/login/", {"accept-language": "en"}),  # the language
        (colleague, "get", "/", {}),
        (manager, "get", "/", {}),  # a manager
        (admin, "get", "/", {}),  # an admin
        (english, "get", "/", {}),  # the person's language
        (colleague, "get", "/agenda/", {}),  # the menu entry shown (aria-current)
        (colleague, "get", "/notifications/preferences/", {}),  # no menu entry
        # Put in, not kept apart: where the language switch returns to.
        (colleague, "get", "/?week=2", {}),
        (colleague, "get", "/?week=3", {}),
        (colleague, "post", "/", {"referer": "http://testserver/?week=4"}),  # a post's return address
        (None, "post", "/", {"referer": "http://testserver/agenda/"}),  # signed out
    ]
    kept_headers = [visit(person, method, path, **headers) for person, method, path, headers in visits]
    assert len(header_node().parts) == 8
    settings.DEBUG = True  # rendered every time
    assert kept_headers == [visit(person, method, path, **headers) for person, method, path, headers in visits]
    assert len(set(kept_headers)) == len(visits)
    assert 'name="next" value="/?week=3"' in kept_headers[9]
    assert 'name="next" value="http://testserver/?week=4"' in kept_headers[10]


def test_a_return_address_is_put_in_escaped_and_makes_no_part_of_its_own():
    person = UserFactory(language="nl")
    visit(person, "get", "/?q=" + "x" * 50)
    header = visit(person, "post", "/", referer='http://testserver/?q="<b>' + "x" * 9000)
    assert 'value="http://testserver/?q=&quot;&lt;b&gt;' + "x" * 9000 + '"' in header
    assert list(header_node().parts) == [("nl", True, False, False, "home")]


def test_personal_links_share_one_header(client):
    """Every survey link has an address of its own: one part for all of them (in the person's
    language), and a link that fails shows the visitor's."""
    survey = survey_with(CommunityFactory())
    for language in ["nl", "nl", "en"]:
        invite = SurveyInvite.objects.create(survey=survey, user=member(survey.community, user__language=language))
        page = client.get(link_path(invite_link(invite)))
        assert f'name="next" value="{link_path(invite_link(invite))}"' in page.text
    client.get("/s/not-a-link/", headers={"accept-language": "nl"})
    assert list(header_node().parts) == [("nl", False, "", False, ""), ("en", False, "", False, "")]


def test_a_long_part_is_not_kept():
    template = Template("{% load kept %}{% kept key %}<p>{{ text }}{{ csrf_token }}</p>{% endkept %}")
    node = template.nodelist.get_nodes_by_type(kept.KeptNode)[0]
    for text in ["short", "x" * kept.LONGEST]:
        assert template.render(Context({"key": text, "text": text, "csrf_token": "t"})) == f"<p>{text}t</p>"
    assert list(node.parts) == [("short",)]


def test_each_visitor_gets_their_own_working_token():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(UserFactory(language="en"))
    second.force_login(UserFactory(language="en"))
    first_tokens = set(TOKEN.findall(first.get(reverse("agenda")).text))
    second_page = second.get(reverse("agenda")).text
    second_tokens = set(TOKEN.findall(second_page))
    assert len(first_tokens) == len(second_tokens) == 1
    assert first_tokens != second_tokens
    assert kept.MARKER not in second_page
    assert f'"X-CSRFToken": "{second_tokens.pop()}"' in second_page  # the same token as the forms'
    token = TOKEN.findall(second_page)[0]
    switched = second.post(
        reverse("language_set"), {"csrfmiddlewaretoken": token, "language": "nl", "next": "/agenda/"}
    )
    assert (switched.status_code, switched["Location"]) == (302, "/agenda/")
    refused = second.post(reverse("language_set"), {"csrfmiddlewaretoken": first_tokens.pop(), "language": "en"})
    assert refused.status_code == 403  # the other visitor's token is not this one's


def test_kept_parts_are_bounded(monkeypatch):
    monkeypatch.setattr(kept, "KEPT", 2)
    template = Template("{% load kept %}{% kept path %}<p>{{ path }} {{ csrf_token }}</p>{% endkept %}")
    node = template.nodelist.get_nodes_by_type(kept.KeptNode)[0]
    for number, path in enumerate(["/a/", "/b/", "/c/"]):
        assert template.render(Context({"path": path, "csrf_token": f"t{number}"})) == f"<p>{path} t{number}</p>"
    assert list(node.parts) == [("/c/",)]
    assert template.render(Context({"path": "/a/"})) == "<p>/a/ </p>"  # no token to put in: not kept
    assert list(node.parts) == [("/c/",)]


def test_a_kept_part_must_name_its_values_and_hold_no_block():
    with pytest.raises(TemplateSyntaxError, match="needs the values"):
        Template("{% load kept %}{% kept %}x{% endkept %}")
    with pytest.raises(TemplateSyntaxError, match="cannot hold a"):
        Template("{% load kept %}{% kept a %}{% block b %}x{% endblock %}{% endkept %}")
    with pytest.raises(TemplateSyntaxError, match="as it is"):
        Template("{% load kept %}{% kept a put b %}{{ b|upper }}{% endkept %}")
    with pytest.raises(TemplateSyntaxError, match="by their names"):
        Template("{% load kept %}{% kept a put b.c %}{{ b.c }}{% endkept %}")


def test_values_put_in_each_time():
    template = Template("{% load kept %}{% kept a put b c %}<p>{{ b }}{{ csrf_token }}{{ c }}{{ b }}</p>{% endkept %}")
    node = template.nodelist.get_nodes_by_type(kept.KeptNode)[0]
    assert template.render(Context({"a": 1, "b": "<i>", "c": "x", "csrf_token": "t"})) == "<p>&lt;i&gt;tx&lt;i&gt;</p>"
    assert template.render(Context({"a": 1, "b": "y", "csrf_token": "u"})) == "<p>yuy</p>"
    assert list(node.parts) == [(1,)]
