from django import forms
from django.utils.translation import gettext_lazy as _

from cop.dashboard.board import DEFAULT_MONTHS, PERIOD_CHOICES
from cop.models import Community


class DashboardForm(forms.Form):
    """Which communities and which period. Only communities the viewer may see are offered, so
    an unknown or foreign one is an invalid choice, never someone else's figures."""

    community = forms.ChoiceField(label=_("Community"), required=False)
    months = forms.TypedChoiceField(
        label=_("Period"), choices=PERIOD_CHOICES, coerce=int, initial=DEFAULT_MONTHS, required=False
    )

    def __init__(self, *args: object, communities: list[Community], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.communities = {community.slug: community for community in communities}
        choices = [(slug, community.name) for slug, community in self.communities.items()]
        self.fields["community"].choices = [("", _("All communities")), *choices]

    def clean_community(self) -> Community | None:
        return self.communities.get(self.cleaned_data["community"])

    def clean_months(self) -> int:
        return self.cleaned_data["months"] or DEFAULT_MONTHS
