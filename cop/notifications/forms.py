from django import forms
from django.utils.translation import gettext_lazy as _

from cop.models.notification import Category

HELP = {
    Category.ANNOUNCEMENT: _("New meetings, changes and news from your communities."),
    Category.REMINDER: _("A reminder before a meeting you are going to."),
    Category.SURVEY: _("The short survey after a meeting, and its reminders."),
    Category.DIGEST: _("A weekly overview (facilitators and managers)."),
}


class PreferencesForm(forms.Form):
    """One checkbox per category of e-mail a person may switch off."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for category, help_text in HELP.items():
            self.fields[category] = forms.BooleanField(
                label=Category(category).label, help_text=help_text, required=False
            )
