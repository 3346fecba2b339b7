"""Forms of the facilitator's side of the sprint board (meetings/sprint_admin_views.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import SprintBoard, SprintGroup

OUTCOMES = [
    ("domain", _("To the draft domain statement")),
    ("goals", _("To the shared learning goals")),
    ("topics", _("To the topic list")),
]


class RoundForm(forms.Form):
    """One round; a row left without a title is skipped, so the empty row at the end adds one."""

    title = forms.CharField(label=_("Title"), max_length=80, required=False)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60, required=False)
    voting = forms.BooleanField(label=_("Vote round"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("title", "").strip() and data.get("minutes") is None and "minutes" not in self.errors:
            self.add_error("minutes", _("How many minutes does this round last?"))
        return data


class BaseRoundFormSet(forms.BaseFormSet):
    def rounds(self) -> list[tuple[str, int, bool]]:
        """The rounds to keep, in order: (title, minutes, vote round)."""
        return [
            (data["title"], data["minutes"], data["voting"])
            for data in self.cleaned_data
            if data and not data.get("DELETE") and data.get("title", "").strip()
        ]


# At most 12 rounds and the empty row; a form that claims more (rounds-TOTAL_FORMS=1000000) is
# refused with Django's message instead of building and showing a thousand rows (its default cap).
RoundFormSet = forms.formset_factory(
    RoundForm, formset=BaseRoundFormSet, extra=1, can_delete=True, max_num=12, validate_max=True, absolute_max=13
)


class DotsForm(forms.Form):
    dots = forms.IntegerField(
        label=_("Dots per person"),
        min_value=1,
        max_value=10,
        help_text=_("In the vote round each person puts this many dots on the cards they find most important."),
    )


class GroupsForm(forms.Form):
    size = forms.IntegerField(
        label=_("People per group"),
        min_value=1,
        max_value=12,
        initial=4,
        help_text=_("Those who checked in at the meeting and those who joined the board are split evenly."),
    )


class MoveForm(forms.Form):
    group = forms.TypedChoiceField(label=_("Group"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: object, groups: list[SprintGroup], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {group.pk: group for group in groups}
        self.fields["group"].choices = [("", _("No group")), *[(group.pk, str(group)) for group in groups]]

    def clean_group(self) -> SprintGroup | None:
        group_id = self.cleaned_data["group"]
        return self.groups[group_id] if group_id else None


class OutcomeForm(forms.Form):
    cards = forms.ModelMultipleChoiceField(queryset=None, error_messages={"required": _("Choose at least one card.")})
    to = forms.ChoiceField(choices=OUTCOMES)

    def __init__(self, *args: object, board: SprintBoard, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cards"].queryset = board.cards.all()

    def card_ids(self) -> list[int]:
        return [card.pk for card in self.cleaned_data["cards"]]
