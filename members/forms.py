from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from cop.forms import TextareaField
from members.models import Membership, Role

# Django does not escape help texts; this one shows an address in angle brackets.
ADDRESSES_HELP = lazy(lambda: escape(_("One person per line: “name@example.org” or “Name <name@example.org>”.")), str)()


class InviteForm(forms.Form):
    """Who to invite: a pasted list, or a CSV file (columns name, email, role, school, programme,
    start, end); `role` applies where the list or file names none."""

    addresses = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=ADDRESSES_HELP,
    )
    file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_("Columns: name, email, role, school, programme, start, end."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.INTERN)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("addresses", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste at least one e-mail address, or choose a CSV file."))
        return data


class AcceptForm(forms.Form):
    """Setting up a new account from an invitation."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_full_name(self) -> str:
        # Control and format characters never belong in a name (an ESC, a right-to-left override
        # that turns "Jan" around on every page); dropped as in a pasted list of invitees.
        name = "".join(char for char in self.cleaned_data["full_name"] if char.isprintable()).strip()
        if not name:
            raise forms.ValidationError(self.fields["full_name"].error_messages["required"], code="required")
        return name

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Everyone")), *Role.choices])


class LearningGoalsForm(forms.ModelForm):
    # A few paragraphs at most, like a community's domain statement; without a limit any length
    # was stored and shown on the profile and in the person's data download.
    learning_goals = TextareaField(
        label=_("Learning goals"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )

    class Meta:
        model = Membership
        fields = ["learning_goals"]


class MentorForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Membership.objects.none(), required=False)

    def __init__(self, *args: object, mentors: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda user: user.full_name or user.email


class EraseForm(forms.Form):
    """Erasing an account cannot be undone: the person types their address to confirm."""

    confirm_email = forms.CharField(
        label=_("Type your e-mail address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm_email(self) -> str:
        value = self.cleaned_data["confirm_email"].strip()
        if value.lower() != self.email.lower():
            raise forms.ValidationError(_("That is not the address of this account."))
        return value
