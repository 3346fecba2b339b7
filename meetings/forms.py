from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop.forms import TextareaField
from meetings.models import Meeting, MeetingSeries, Response, Topic, TopicStatus
from meetings.services import meeting_validate
from members.models import User

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# Meetings and series are planned within this many years of today. A year far off is a typo
# (0202, 20262 cut short); year 1 in Amsterdam is before year 1 in UTC, which PostgreSQL stores
# but Python cannot read back, so every page listing the meeting would fail.
YEARS_AROUND = 10


def plausible(value: date | datetime | None) -> date | datetime | None:
    """The value, if its year is within YEARS_AROUND of this one; ValidationError otherwise."""
    if value is None:
        return value
    year = timezone.localdate().year
    first, last = year - YEARS_AROUND, year + YEARS_AROUND
    if not first <= value.year <= last:
        raise ValidationError(
            _("Choose a year from %(first)d to %(last)d.") % {"first": first, "last": last}, code="year"
        )
    return value


class MeetingForm(forms.ModelForm):
    from_topic = forms.ModelChoiceField(
        label=_("Theme from the topic backlog"),
        queryset=Topic.objects.none(),
        required=False,
        help_text=_("Or type a theme below. A topic picked here is marked planned, and those who asked are told."),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "theme",
            "format",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "agenda",
            "host",
            "capacity",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: object, hosts: object, topics: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts
        if topics is None:
            del self.fields["from_topic"]
        else:
            self.fields["from_topic"].queryset = topics
            self.order_fields(["title", "from_topic"])
        self.fields["host"].label_from_instance = lambda user: user.full_name or user.email
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_starts_at(self) -> datetime:
        return plausible(self.cleaned_data["starts_at"])

    def clean_ends_at(self) -> datetime:
        return plausible(self.cleaned_data["ends_at"])

    def clean(self) -> dict:
        data = super().clean()
        if (topic := data.get("from_topic")) and not data.get("theme"):
            data["theme"] = self.instance.theme = topic.title
        return data

    def _post_clean(self) -> None:
        super()._post_clean()
        try:
            meeting_validate(self.instance)
        except ValidationError as error:
            self._update_errors(error)


class RsvpForm(forms.Form):
    response = forms.ChoiceField(choices=[(r, r) for r in (Response.GOING, Response.MAYBE, Response.DECLINED)])


def community_hosts(community_id: int) -> "forms.QuerySet[User]":
    from members.models import Membership  # noqa: PLC0415

    members = Membership.objects.current().filter(community_id=community_id).values("user_id")
    return User.objects.filter(pk__in=members).order_by("full_name")


class NotesForm(forms.Form):
    notes = TextareaField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    takeaways = TextareaField(
        label=_("Key takeaways"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = TextareaField(
        label=_("Why does it matter to you?"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


def open_topics(community_id: int) -> "forms.QuerySet[Topic]":
    return Topic.objects.filter(community_id=community_id, status=TopicStatus.OPEN).order_by("title")


class SeriesForm(forms.ModelForm):
    class Meta:
        model = MeetingSeries
        fields = [
            "title",
            "format",
            "frequency",
            "weekday",
            "week_of_month",
            "starts_on",
            "until",
            "start_time",
            "end_time",
            "place",
            "online_url",
            "agenda",
            "capacity",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_starts_on(self) -> date:
        return plausible(self.cleaned_data["starts_on"])

    def clean_until(self) -> date | None:
        return plausible(self.cleaned_data["until"])

    def clean_week_of_month(self) -> int:
        value = self.cleaned_data["week_of_month"]
        if value not in {1, 2, 3, 4, -1}:
            raise forms.ValidationError(_("Choose 1, 2, 3, 4 or -1 (the last)."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        if data.get("until") and data.get("starts_on") and data["until"] < data["starts_on"]:
            self.add_error("until", _("The last date is before the first."))
        return data
