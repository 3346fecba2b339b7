"""The checks of tests/hostile.py catch what they are there for: a check that cannot fail would
let every hostile-input test pass."""

import pytest

from meetings.models import Topic
from tests.factories import CommunityFactory
from tests.hostile import SCRIPT, assert_escaped, assert_in_language, changed_tables, database_state, error_messages

pytestmark = pytest.mark.django_db

PAGE = """
<ul class="errorlist" id="id_title_error"><li>Dit veld is verplicht.</li></ul>
<p class="errorlist" id="error-3" role="alert">Kies een getal van 1 tot en met 5.</p>
<ul class="messages"><li class="message message--error">That is not the code shown in the room.</li>
<li class="message message--success">Opgeslagen.</li></ul>
"""


def test_error_messages_are_read_from_form_errors_and_alerts_only():
    assert error_messages(PAGE) == [
        "Dit veld is verplicht.",
        "Kies een getal van 1 tot en met 5.",
        "That is not the code shown in the room.",
    ]


def test_an_english_message_on_a_dutch_page_is_caught_and_the_other_way_round():
    assert_in_language(["Dit veld is verplicht.", "Kies een jaar van 2016 tot en met 2036."], "nl")
    with pytest.raises(AssertionError, match="not in nl"):
        assert_in_language(["That is not the code shown in the room."], "nl")
    with pytest.raises(AssertionError, match="not in nl"):
        assert_in_language(["Choose a year from 2016 to 2036."], "nl")  # placeholders match any number
    with pytest.raises(AssertionError, match="not in en"):
        assert_in_language(["Dit veld is verplicht."], "en")


def test_a_changed_row_is_caught_as_well_as_a_new_one():
    community = CommunityFactory()
    before = database_state()
    community.name = "Anders"
    community.save()
    assert changed_tables(before) == ["cop_community"]
    before = database_state()
    Topic.objects.create(community=community, title="Remmen")
    assert changed_tables(before) == ["meetings_topic"]


def test_markup_that_comes_back_as_markup_is_caught():
    assert_escaped("&lt;script&gt;alert(1)&lt;/script&gt;")
    with pytest.raises(AssertionError):
        assert_escaped(f"<p>{SCRIPT}</p>")
