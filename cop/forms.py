from django import forms
from django.utils.translation import gettext_lazy as _


class DomainForm(forms.Form):
    domain_statement = forms.CharField(
        label=_("Domain statement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the community is about, and why it matters to every member."),
    )
