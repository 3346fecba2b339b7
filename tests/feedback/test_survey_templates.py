import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from feedback.models import SurveyTemplate
from feedback.services import default_template, survey_for_meeting_open
from feedback.survey_templates import (
    question_add,
    question_delete,
    question_edit,
    question_move,
    template_copy,
    template_create,
    template_delete,
    template_rename,
)
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="autotechniek")


@pytest.fixture
def facilitator(community):
    # English pages, so the messages asserted below do not depend on the translations.
    return MembershipFactory(community=community, role=Role.FACILITATOR, user__language="en").user


@pytest.fixture
def template(community):
    template = template_create(community=community, name="Werkplaats")
    for text in ("Eerste", "Tweede", "Derde"):
        question_add(template=template, type="short", text=text, choices=[])
    return template


def texts(template):
    return list(template.questions.order_by("position").values_list("position", "text"))


def errors_of(call, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict if hasattr(caught.value, "error_dict") else caught.value.messages


# Services -------------------------------------------------------------------------------------


def test_template_create_needs_a_name(community):
    assert errors_of(template_create, community=community, name="   ") == {"name": ["Give the template a name."]}
    assert errors_of(template_create, community=community, name="x" * 121) == {
        "name": ["A name can be at most 120 characters long."]
    }


def test_question_add_rejects_a_choice_question_without_two_different_choices(template):
    assert errors_of(question_add, template=template, type="single", text="Welke?", choices=["Ja", " ja ", ""]) == {
        "choices": ["Give at least two different choices, one per line."]
    }
    assert errors_of(question_add, template=template, type="multiple", text="Welke?", choices=[]) == {
        "choices": ["Give at least two different choices, one per line."]
    }


def test_question_add_rejects_empty_or_long_text_and_unknown_types(template):
    assert errors_of(question_add, template=template, type="short", text=" ", choices=[]) == {
        "text": ["Write the question."]
    }
    assert errors_of(question_add, template=template, type="short", text="x" * 301, choices=[]) == {
        "text": ["A question can be at most 300 characters long."]
    }
    assert errors_of(question_add, template=template, type="essay", text="Vraag", choices=[]) == {
        "type": ["Choose a type of question."]
    }
    assert template.questions.count() == 3


def test_question_add_tidies_choices_and_stores_none_for_other_types(template):
    single = question_add(
        template=template, type="single", text="  Welke   dag? ", choices=[" Maandag", "", "dinsdag", "Dinsdag"]
    )
    assert (single.text, single.choices, single.position) == ("Welke dag?", ["Maandag", "dinsdag"], 3)
    rating = question_add(template=template, type="rating", text="Hoe was het?", choices=["a", "b"], required=True)
    assert (rating.choices, rating.required, rating.position) == ([], True, 4)


def test_the_default_template_cannot_be_changed_through_the_services():
    default = default_template()
    message = ["The organisation's default template cannot be changed here; copy it instead."]
    assert errors_of(question_add, template=default, type="short", text="Nieuw", choices=[]) == message
    assert errors_of(template_rename, template=default, name="Anders") == message
    assert errors_of(template_delete, template=default) == message
    assert errors_of(question_delete, question=default.questions.first()) == message
    assert default.questions.count() == 3
    assert SurveyTemplate.objects.get(pk=default.pk).name == "Na de bijeenkomst"


def test_template_copy_of_the_default_keeps_questions_in_order_with_english(community):
    default = default_template()
    copy = template_copy(source=default, community=community)
    assert (copy.community, copy.name) == (community, "Na de bijeenkomst (copy)")
    fields = ("position", "type", "text", "text_en", "choices", "required")
    assert list(copy.questions.values_list(*fields)) == list(default.questions.values_list(*fields))
    assert default.questions.count() == 3  # the original is untouched


def test_template_copy_refuses_another_communitys_template(community):
    theirs = template_create(community=CommunityFactory(), name="Van hen")
    assert errors_of(template_copy, source=theirs, community=community) == [
        "You can copy the default template or one of your community's own."
    ]


def test_question_move_swaps_neighbours_and_stops_at_the_ends(template):
    first, second, third = template.questions.order_by("position")
    question_move(question=third, up=True)
    assert texts(template) == [(0, "Eerste"), (1, "Derde"), (2, "Tweede")]
    question_move(question=first, up=True)
    question_move(question=second, up=False)
    assert texts(template) == [(0, "Eerste"), (1, "Derde"), (2, "Tweede")]


def test_question_delete_keeps_positions_contiguous(template):
    question_delete(question=template.questions.get(text="Eerste"))
    assert texts(template) == [(0, "Tweede"), (1, "Derde")]
    assert question_add(template=template, type="long", text="Vierde", choices=[]).position == 2


def test_question_edit_drops_the_english_text_only_when_the_text_changes(community):
    copy = template_copy(source=default_template(), community=community)
    rating, valuable, _topic = copy.questions.order_by("position")
    question_edit(question=rating, type="rating", text=rating.text, choices=[], required=False)
    question_edit(question=valuable, type="single", text="Wat was het beste?", choices=["Sfeer", "Inhoud"])
    rating.refresh_from_db()
    valuable.refresh_from_db()
    assert (rating.required, rating.text_en) == (False, "How valuable was this meeting?")
    assert (valuable.type, valuable.text, valuable.text_en, valuable.choices) == (
        "single",
        "Wat was het beste?",
        "",
        ["Sfeer", "Inhoud"],
    )


def test_a_survey_keeps_its_questions_when_its_template_is_edited_or_deleted(community, template):
    survey = survey_for_meeting_open(meeting=MeetingFactory(community=community), template=template)
    first = template.questions.get(text="Eerste")
    question_edit(question=first, type="single", text="Gewijzigd", choices=["Ja", "Nee"])
    question_move(question=first, up=False)
    question_delete(question=template.questions.get(text="Derde"))
    question_add(template=template, type="long", text="Nieuw", choices=[])
    assert list(survey.questions.values_list("position", "type", "text")) == [
        (0, "short", "Eerste"),
        (1, "short", "Tweede"),
        (2, "short", "Derde"),
    ]
    template_delete(template=template)
    assert survey.questions.count() == 3


# Views ----------------------------------------------------------------------------------------


def url(name, community, *args):
    return reverse(name, args=[community.slug, *args])


def test_creating_a_template_leads_to_its_page(client, community, facilitator):
    client.force_login(facilitator)
    response = client.post(url("survey_templates", community), {"name": " Stage  start "})
    template = SurveyTemplate.objects.get(community=community)
    assert template.name == "Stage start"
    assert response["Location"] == url("survey_template_edit", community, template.pk)


def test_creating_a_template_without_a_name_shows_the_form_again(client, community, facilitator):
    client.force_login(facilitator)
    response = client.post(url("survey_templates", community), {"name": ""})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.text  # Django's own "required", in the person's language
    assert not SurveyTemplate.objects.filter(community=community).exists()


def test_copying_the_default_through_the_page(client, community, facilitator):
    client.force_login(facilitator)
    response = client.post(url("survey_template_copy", community, default_template().pk))
    copy = SurveyTemplate.objects.get(community=community)
    assert response["Location"] == url("survey_template_edit", community, copy.pk)
    assert copy.questions.count() == 3


def test_adding_a_bad_question_keeps_what_was_typed(client, community, facilitator, template):
    client.force_login(facilitator)
    data = {"type": "single", "text": "Welke werkplaats?", "choices": "Hal 2\nhal 2\n", "required": "on"}
    response = client.post(url("survey_question_add", community, template.pk), data)
    assert response.status_code == 400
    assert "Give at least two different choices, one per line." in response.text
    assert "Welke werkplaats?</textarea>" in response.text
    assert "Hal 2\nhal 2\n</textarea>" in response.text
    assert template.questions.count() == 3


def test_adding_a_choice_question(client, community, facilitator, template):
    client.force_login(facilitator)
    data = {"type": "multiple", "text": "Welke dagen?", "choices": "Maandag\r\nDinsdag\r\n", "required": "on"}
    response = client.post(url("survey_question_add", community, template.pk), data)
    question = template.questions.get(text="Welke dagen?")
    assert response["Location"] == url("survey_template_edit", community, template.pk) + f"#question-{question.pk}"
    assert (question.position, question.choices, question.required) == (3, ["Maandag", "Dinsdag"], True)
    page = client.get(response["Location"]).text
    assert "Question added." in page
    assert "<li>Dinsdag</li>" in page


def test_editing_a_question_shows_its_choices_one_per_line_and_saves(client, community, facilitator, template):
    question = question_add(template=template, type="single", text="Welke?", choices=["A", "B"])
    client.force_login(facilitator)
    edit = url("survey_question_edit", community, template.pk, question.pk)
    assert "A\nB</textarea>" in client.get(edit).text
    response = client.post(edit, {"type": "single", "text": "Welke nu?", "choices": "A\nB\nC"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.choices) == ("Welke nu?", ["A", "B", "C"])
    response = client.post(edit, {"type": "single", "text": "Welke?", "choices": "A"})
    assert response.status_code == 400
    assert "Give at least two different choices, one per line." in response.text
    assert ">\nA</textarea>" in response.text


def test_moving_with_htmx_returns_the_list_in_its_new_order(client, community, facilitator, template):
    client.force_login(facilitator)
    third = template.questions.get(text="Derde")
    response = client.post(
        url("survey_question_move", community, template.pk, third.pk, "up"), headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<div id="question-list">')
    assert response.text.index("Derde") < response.text.index("Tweede")
    assert texts(template) == [(0, "Eerste"), (1, "Derde"), (2, "Tweede")]


def test_moving_without_javascript_redirects_back(client, community, facilitator, template):
    client.force_login(facilitator)
    first = template.questions.get(text="Eerste")
    response = client.post(url("survey_question_move", community, template.pk, first.pk, "down"))
    assert response["Location"].endswith(f"#question-{first.pk}")
    assert texts(template) == [(0, "Tweede"), (1, "Eerste"), (2, "Derde")]
    assert client.post(url("survey_question_move", community, template.pk, first.pk, "sideways")).status_code == 404


def test_the_template_pages_forms_come_back_at_their_errors_and_a_saved_name_at_the_message(
    client, community, facilitator, template
):
    client.force_login(facilitator)
    edit = url("survey_template_edit", community, template.pk)
    page = client.get(edit).text
    assert f'action="{url("survey_question_add", community, template.pk)}#add-heading"' in page
    assert f'action="{edit}#settings-heading"' in page
    assert client.post(edit, {"name": "Nieuw"})["Location"] == f"{edit}#main"


def test_renaming_deleting_a_question_and_the_template(client, community, facilitator, template):
    client.force_login(facilitator)
    assert client.post(url("survey_template_edit", community, template.pk), {"name": "Nieuw"}).status_code == 302
    assert client.post(url("survey_template_edit", community, template.pk), {"name": ""}).status_code == 400
    template.refresh_from_db()
    assert template.name == "Nieuw"
    second = template.questions.get(text="Tweede")
    client.post(url("survey_question_delete", community, template.pk, second.pk))
    assert texts(template) == [(0, "Eerste"), (1, "Derde")]
    response = client.post(url("survey_template_delete", community, template.pk))
    assert response["Location"] == url("survey_templates", community)
    assert not SurveyTemplate.objects.filter(pk=template.pk).exists()


def test_the_default_template_is_shown_but_cannot_be_edited_through_the_pages(client, community, facilitator):
    client.force_login(facilitator)
    default = default_template()
    page = client.get(url("survey_templates", community)).text
    assert "Hoe waardevol was deze bijeenkomst?" in page
    assert url("survey_template_copy", community, default.pk) in page
    assert f'href="{url("survey_template_edit", community, default.pk)}"' not in page
    question = default.questions.first()
    assert client.get(url("survey_template_edit", community, default.pk)).status_code == 404
    assert client.post(url("survey_template_delete", community, default.pk)).status_code == 404
    assert client.post(url("survey_question_delete", community, default.pk, question.pk)).status_code == 404
    assert default.questions.count() == 3


def test_another_communitys_template_is_not_found_through_ours(client, community, facilitator):
    theirs = template_create(community=CommunityFactory(), name="Van hen")
    question = question_add(template=theirs, type="short", text="Geheim", choices=[])
    mine = template_create(community=community, name="Van ons")
    client.force_login(facilitator)
    page = client.get(url("survey_templates", community)).text
    assert "Van hen" not in page
    for name, method, args in [
        ("survey_template_edit", "get", [theirs.pk]),
        ("survey_template_edit", "post", [theirs.pk]),
        ("survey_template_copy", "post", [theirs.pk]),
        ("survey_template_delete", "post", [theirs.pk]),
        ("survey_question_add", "post", [theirs.pk]),
        ("survey_question_edit", "get", [theirs.pk, question.pk]),
        ("survey_question_delete", "post", [theirs.pk, question.pk]),
        ("survey_question_move", "post", [theirs.pk, question.pk, "up"]),
        # Their question through our template's URL.
        ("survey_question_edit", "get", [mine.pk, question.pk]),
        ("survey_question_delete", "post", [mine.pk, question.pk]),
    ]:
        response = getattr(client, method)(url(name, community, *args), {"name": "Overgenomen"})
        assert response.status_code == 404, (name, args)
    theirs.refresh_from_db()
    assert (theirs.name, theirs.questions.count()) == ("Van hen", 1)
    assert SurveyTemplate.objects.filter(community=community).count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("intern", 403),
        ("mentor", 403),
        ("colleague", 403),
        ("other facilitator", 403),
        ("manager", 403),
        ("admin", 200),
    ],
)
def test_only_facilitators_and_admins_manage_templates(client, community, template, who, status):
    if who == "other facilitator":
        membership = MembershipFactory(role=Role.FACILITATOR)
        person = membership.user
        client.force_login(person)
        # Not through their own community's pages either.
        their_url = reverse("survey_template_edit", args=[membership.community.slug, template.pk])
        assert client.get(their_url).status_code == 404
    elif who in {"manager", "admin"}:
        person = UserFactory(is_manager=who == "manager", is_staff=who == "admin")
    else:
        person = MembershipFactory(community=community, role=who).user
    client.force_login(person)
    assert client.get(url("survey_templates", community)).status_code == status
    assert client.get(url("survey_template_edit", community, template.pk)).status_code == status
    question = template.questions.first()
    response = client.post(url("survey_question_delete", community, template.pk, question.pk))
    assert response.status_code == (302 if status == 200 else 403)
    assert template.questions.filter(pk=question.pk).exists() == (status != 200)


@pytest.mark.parametrize("count", [1, 5])
def test_list_page_runs_a_fixed_number_of_queries(client, community, facilitator, django_assert_num_queries, count):
    for n in range(count):
        own = template_create(community=community, name=f"Sjabloon {n}")
        for i in range(n):
            question_add(template=own, type="short", text=f"Vraag {i}", choices=[])
    template_create(community=CommunityFactory(), name="Van een ander")
    client.force_login(facilitator)
    # user, community, standing, default template, its questions, own templates with counts
    with django_assert_num_queries(6):
        page = client.get(url("survey_templates", community)).text
    assert page.count('class="template-list__item"') == count
    assert "Van een ander" not in page
    assert "4 questions" in page if count == 5 else "0 questions" in page


@pytest.mark.parametrize("count", [1, 8])
def test_edit_page_runs_a_fixed_number_of_queries(client, community, facilitator, django_assert_num_queries, count):
    template = template_create(community=community, name="Sjabloon")
    for i in range(count):
        question_add(template=template, type="single", text=f"Vraag {i}", choices=["Ja", "Nee"])
    client.force_login(facilitator)
    # user, community, standing, template, its questions
    with django_assert_num_queries(5):
        page = client.get(url("survey_template_edit", community, template.pk)).text
    assert page.count('class="card question-item"') == count


def test_a_community_template_used_after_meetings(client, community, facilitator, template):
    from tests.feedback.helpers import ended_meeting  # noqa: PLC0415

    other = template_create(community=community, name="Leeg")
    client.force_login(facilitator)
    response = client.post(reverse("survey_template_use", args=["autotechniek", other.pk]), follow=True)
    assert "Add questions first: this template has none." in response.text
    client.post(reverse("survey_template_use", args=["autotechniek", template.pk]))
    assert list(SurveyTemplate.objects.filter(after_meetings=True)) == [template]
    survey = survey_for_meeting_open(meeting=ended_meeting(community))
    assert [q.text for q in survey.questions.all()] == ["Eerste", "Tweede", "Derde"]
    client.post(reverse("survey_template_use", args=["autotechniek", template.pk]), {"used": "0"})
    assert not SurveyTemplate.objects.filter(after_meetings=True).exists()
    elsewhere = survey_for_meeting_open(meeting=ended_meeting(community))
    assert elsewhere.questions.first().text == "Hoe waardevol was deze bijeenkomst?"
