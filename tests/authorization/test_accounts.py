"""django-allauth's account URLs, for a visitor and for someone signed in (tests/authorization/
rules.py, ACCOUNTS): the login, reset and code pages are open; what needs an account sends a
visitor to the login page; signing up is closed, Gilde being by invitation only."""

import pytest
from django.test import Client

from members.models import User
from tests.authorization.rules import ACCOUNTS
from tests.authorization.world import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", list(ACCOUNTS))
def test_each_account_url_for_a_visitor_and_a_member(world, name):
    url, anonymous, signed_in = ACCOUNTS[name]
    response = Client().get(url)
    assert (response.status_code, response.get("Location")) == anonymous
    member = Client()
    sign_in(member, world, "intern")
    response = member.get(url)
    assert (response.status_code, response.get("Location")) == signed_in


def test_signing_up_is_closed_and_a_posted_signup_makes_no_account(world):
    form = {"email": "zelf@example.org", "password1": "een-lang-wachtwoord", "password2": "een-lang-wachtwoord"}
    client = Client(headers={"accept-language": "en"})
    response = client.post("/accounts/signup/", form)
    assert response.status_code == 200
    assert "Gilde is by invitation only" in response.text
    assert not User.objects.filter(email="zelf@example.org").exists()
    dutch = Client(headers={"accept-language": "nl"}).get("/accounts/signup/")
    assert "Gilde werkt alleen op uitnodiging" in dutch.text
