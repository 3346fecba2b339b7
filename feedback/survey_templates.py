"""A community's own survey templates: made from scratch or copied from the organisation's default
(or another of the community's), their questions added, edited, moved and deleted. Surveys keep
a frozen copy of their questions (`services._survey_start`), so none of this changes past results."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from cop.models import Community
from feedback.models import QuestionType, SurveyTemplate, TemplateQuestion
from feedback.services import default_template

NAME_MAX = 120
TEXT_MAX = 300
CHOICE_MAX = 200
CHOICES_MAX = 20
CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})


# Reads ----------------------------------------------------------------------------------------


def _ordered_questions() -> Prefetch:
    return Prefetch("questions", queryset=TemplateQuestion.objects.order_by("position", "pk"))


def templates_page(*, community: Community) -> tuple[SurveyTemplate | None, list[SurveyTemplate]]:
    """The organisation's default template with its questions (read-only here), and the
    community's own templates, each with `question_count`. Three queries."""
    # default_template() makes it again if its table was emptied, as the survey services do.
    default = default_template()
    prefetch_related_objects([default], _ordered_questions())
    own = list(
        SurveyTemplate.objects.filter(community=community)
        .annotate(question_count=Count("questions"))
        .order_by("name", "pk")
    )
    return default, own


def template_of(*, community: Community, pk: int) -> SurveyTemplate | None:
    """One of the community's own templates with its questions in order; never the default nor
    another community's."""
    return SurveyTemplate.objects.filter(community=community, pk=pk).prefetch_related(_ordered_questions()).first()


def copyable(*, community: Community) -> QuerySet[SurveyTemplate]:
    """Templates the community may copy from: the default and its own."""
    return SurveyTemplate.objects.filter(Q(community__isnull=True) | Q(community=community))


# Validation -----------------------------------------------------------------------------------


def _name_clean(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("A name can be at most %(max)d characters long.") % {"max": NAME_MAX}})
    return name


def question_validate(*, type: str, text: str, choices: list[str]) -> dict[str, Any]:
    """The stored form of a question: text tidied, choices deduplicated (only for choice
    questions, which need at least two). ValidationError keyed by field otherwise."""
    errors: dict[str, str] = {}
    if type not in QuestionType.values:
        errors["type"] = _("Choose a type of question.")
    text = " ".join(text.split())
    if not text:
        errors["text"] = _("Write the question.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("A question can be at most %(max)d characters long.") % {"max": TEXT_MAX}
    cleaned: list[str] = []
    if type in CHOICE_TYPES:
        seen = set()
        for choice in choices:
            choice = " ".join(choice.split())  # noqa: PLW2901 (tidied in place)
            if choice and choice.casefold() not in seen:
                seen.add(choice.casefold())
                cleaned.append(choice)
        if len(cleaned) < 2:
            errors["choices"] = _("Give at least two different choices, one per line.")
        elif len(cleaned) > CHOICES_MAX:
            errors["choices"] = _("Give at most %(max)d choices.") % {"max": CHOICES_MAX}
        elif any(len(choice) > CHOICE_MAX for choice in cleaned):
            errors["choices"] = _("A choice can be at most %(max)d characters long.") % {"max": CHOICE_MAX}
    if errors:
        raise ValidationError(errors)
    return {"type": type, "text": text, "choices": cleaned}


def _own(template: SurveyTemplate) -> None:
    if template.community_id is None:
        raise ValidationError(_("The organisation's default template cannot be changed here; copy it instead."))


def _locked(template: SurveyTemplate) -> list[TemplateQuestion]:
    """Locks the template so concurrent edits queue, and returns its questions in order."""
    SurveyTemplate.objects.select_for_update().filter(pk=template.pk).values_list("pk").first()
    return list(TemplateQuestion.objects.filter(template=template).order_by("position", "pk"))


def _renumber(questions: list[TemplateQuestion]) -> None:
    changed = []
    for position, question in enumerate(questions):
        if question.position != position:
            question.position = position
            changed.append(question)
    TemplateQuestion.objects.bulk_update(changed, ["position"])


# Writes ---------------------------------------------------------------------------------------


def template_create(*, community: Community, name: str) -> SurveyTemplate:
    """A new, empty template of the community."""
    return SurveyTemplate.objects.create(community=community, name=_name_clean(name))


@transaction.atomic
def template_copy(*, source: SurveyTemplate, community: Community, name: str = "") -> SurveyTemplate:
    """A new template of the community with a copy of the source's questions. The source is the
    default or one of the community's own; English texts of the bilingual default come along."""
    if source.community_id not in {None, community.pk}:
        raise ValidationError(_("You can copy the default template or one of your community's own."))
    template = SurveyTemplate.objects.create(
        community=community, name=_name_clean(name or _("%(name)s (copy)") % {"name": source.name})
    )
    TemplateQuestion.objects.bulk_create(
        TemplateQuestion(template=template, position=position, **question.content())
        for position, question in enumerate(source.questions.order_by("position", "pk"))
    )
    return template


def template_rename(*, template: SurveyTemplate, name: str) -> SurveyTemplate:
    """Changes the template's name."""
    _own(template)
    template.name = _name_clean(name)
    template.save(update_fields=["name"])
    return template


@transaction.atomic
def template_after_meetings_set(*, template: SurveyTemplate, used: bool) -> None:
    """Makes this template the one the community's post-meeting surveys use (or, `used` False,
    goes back to the organisation's default). A template without questions cannot be used."""
    _own(template)
    if used and not template.questions.exists():
        raise ValidationError(_("Add questions first: this template has none."))
    SurveyTemplate.objects.filter(community_id=template.community_id, after_meetings=True).update(after_meetings=False)
    if used:
        SurveyTemplate.objects.filter(pk=template.pk).update(after_meetings=True)


def template_delete(*, template: SurveyTemplate) -> None:
    """Deletes the template and its questions; surveys made from it keep their own copies."""
    _own(template)
    template.delete()


@transaction.atomic
def question_add(
    *,
    template: SurveyTemplate,
    type: str,
    text: str,
    choices: list[str],
    required: bool = False,
) -> TemplateQuestion:
    """Adds a question at the end of the template."""
    _own(template)
    fields = question_validate(type=type, text=text, choices=choices)
    position = len(_locked(template))
    return TemplateQuestion.objects.create(template=template, position=position, required=required, **fields)


def question_edit(
    *,
    question: TemplateQuestion,
    type: str,
    text: str,
    choices: list[str],
    required: bool = False,
) -> TemplateQuestion:
    """Changes a question. A changed text drops the English one copied from the default, which
    would no longer say the same."""
    _own(question.template)
    fields = question_validate(type=type, text=text, choices=choices)
    if fields["text"] != question.text:
        question.text_en = ""
    for name, value in fields.items():
        setattr(question, name, value)
    question.required = required
    question.save(update_fields=["type", "text", "text_en", "choices", "required"])
    return question


@transaction.atomic
def question_delete(*, question: TemplateQuestion) -> None:
    """Deletes a question; those after it move up so positions stay 0, 1, 2, …"""
    _own(question.template)
    questions = [q for q in _locked(question.template) if q.pk != question.pk]
    TemplateQuestion.objects.filter(pk=question.pk).delete()
    _renumber(questions)


@transaction.atomic
def question_move(*, question: TemplateQuestion, up: bool) -> None:
    """Swaps a question with the one before (`up`) or after it; at either end nothing changes."""
    _own(question.template)
    questions = _locked(question.template)
    index = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if index is None:  # deleted meanwhile
        return
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    _renumber(questions)
