import secrets

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cop.models import Community
from feedback.models import SurveyTemplate
from feedback.survey_templates import copyable
from members.models import Role


def templates_for(community: Community) -> QuerySet[SurveyTemplate]:
    """The organisation's default template and the community's own ones that have questions."""
    with_questions = SurveyTemplate.objects.filter(questions__isnull=False).values("pk")
    return copyable(community=community).filter(pk__in=with_questions).order_by("community", "name")


class PulseForm(forms.Form):
    # Sending the same form twice (a double click, a reload) makes one survey.
    form_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: secrets.token_urlsafe(24), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("How is your internship going?"))
    template = forms.ModelChoiceField(label=_("Questions"), queryset=SurveyTemplate.objects.none(), empty_label=None)
    role = forms.ChoiceField(label=_("Who is asked"), required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_("Answers are stored without names; nobody can see who answered what."),
    )
    days = forms.IntegerField(
        label=_("Open for (days)"), min_value=1, max_value=60, initial=lambda: settings.SURVEY_OPEN_DAYS
    )

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates_for(community)
        self.fields["role"].choices = [("", _("Everyone in the community")), *Role.choices]


PERIODS = [(3, _("3 months")), (6, _("6 months")), (12, _("12 months")), (24, _("24 months"))]


class PeriodForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Period"), choices=PERIODS, coerce=int, initial=12, required=False)

    def months_or_default(self) -> int:
        return (self.is_valid() and self.cleaned_data["months"]) or 12
