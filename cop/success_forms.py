from datetime import timedelta
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cop.forms import TextareaField
from cop.models import VALUE_EXPLAINED, Community, SuccessKind, ValueCycle
from cop.successes import STORY_MAX, TITLE_MAX, current_members, story_clean, title_clean
from meetings.models import MeetingStatus, TopicStatus

# Meetings a success can come from: the ones of the last half year.
MEETINGS_BACK = timedelta(days=183)


class ValueSelect(forms.RadioSelect):
    """Radio buttons, each with its value cycle explained in one line (tied to it for screen readers)."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["explanation"] = VALUE_EXPLAINED.get(value, "")
        if option["explanation"]:
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_help"
        return option


class LongSelect(forms.Select):
    """A select written in one pass: Django's renders a template for every option, and this form
    offers every member, recent meeting and open or planned topic of the community, hundreds in a
    large one (a third of the share page's time). Attributes (id, aria-describedby, aria-invalid,
    required) as Django's."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class SuccessForm(forms.Form):
    # Checked as success_share checks them (its messages say how long); the browser stops typing there.
    title = forms.CharField(
        label=_("Title"),
        help_text=_("In a few words: what went well?"),
        error_messages={"required": _("Give the success a title.")},
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX}),
    )
    story = TextareaField(
        label=_("The story"),
        help_text=_("What happened, who helped, and what changed?"),
        error_messages={"required": _("Tell the story in a few sentences.")},
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": STORY_MAX}),
    )
    kind = forms.ChoiceField(
        label=_("What kind of success?"),
        choices=SuccessKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of success this is.")},
    )
    value = forms.ChoiceField(
        label=_("Which value does it show?"),
        choices=ValueCycle.choices,
        widget=ValueSelect,
        error_messages={"required": _("Choose the value this success shows.")},
    )
    about = forms.ModelChoiceField(
        label=_("About a colleague (optional)"),
        queryset=None,
        required=False,
        empty_label=_("nobody in particular"),
        widget=LongSelect,
    )
    meeting = forms.ModelChoiceField(
        label=_("From a meeting (optional)"),
        queryset=None,
        required=False,
        empty_label=_("no meeting"),
        widget=LongSelect,
    )
    topic = forms.ModelChoiceField(
        label=_("About a topic (optional)"),
        queryset=None,
        required=False,
        empty_label=_("no topic"),
        widget=LongSelect,
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.now()
        # Only the columns the choices show and success_share checks: not the meetings' notes.
        self.fields["about"].queryset = (
            current_members(community).only("full_name", "email").order_by("full_name", "email")
        )
        self.fields["meeting"].queryset = (
            community.meetings.filter(
                status=MeetingStatus.PUBLISHED, starts_at__lte=now, starts_at__gte=now - MEETINGS_BACK
            )
            .only("community", "title", "starts_at", "status")
            .order_by("-starts_at")
        )
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{date_format(timezone.localtime(meeting.starts_at), 'j M Y')} · {meeting.title}"
        )
        self.fields["topic"].queryset = (
            community.topics.filter(status__in=[TopicStatus.OPEN, TopicStatus.PLANNED])
            .only("community", "title")
            .order_by("title")
        )

    def clean_title(self) -> str:
        return title_clean(self.cleaned_data["title"])

    def clean_story(self) -> str:
        return story_clean(self.cleaned_data["story"])
