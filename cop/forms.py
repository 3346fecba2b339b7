from django import forms
from django.utils.translation import gettext_lazy as _


class TextareaField(forms.CharField):
    """Text typed in a textarea, with its line breaks as the browser counts them. A browser sends
    each line break as CR LF but counts it as one character against maxlength, so notes it let
    through (4,900 characters on 700 lines) came back "too long: it has 5,600"; here a line break
    is one LF, as the browser counted it and as the pages show it."""

    widget = forms.Textarea

    def to_python(self, value: object) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else text


class DomainForm(forms.Form):
    domain_statement = TextareaField(
        label=_("Domain statement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the community is about, and why it matters to every member."),
    )
