"""The notification kinds meetings send, each with the meeting's calendar entry attached where a
calendar should pick it up."""

from django.utils.translation import gettext_lazy as _

from cop.models.notification import Category, Notification
from cop.notifications.kinds import Attachment, Kind, register
from meetings.calendar import calendar_bytes


def ics(notification: Notification) -> list[Attachment]:
    meeting = notification.subject_object
    return [Attachment("bijeenkomst.ics", calendar_bytes([meeting]), "text/calendar; method=PUBLISH")]


TEMPLATE = "notifications/meeting"

register(Kind("meeting.announcement", _("New meeting"), Category.ANNOUNCEMENT, template=TEMPLATE, attachments=ics))
register(Kind("meeting.updated", _("Meeting changed"), Category.ANNOUNCEMENT, template=TEMPLATE, attachments=ics))
register(Kind("meeting.cancelled", _("Meeting cancelled"), Category.ANNOUNCEMENT, template=TEMPLATE, attachments=ics))
register(Kind("meeting.waitlist", _("A place for you"), Category.ANNOUNCEMENT, template=TEMPLATE, attachments=ics))
register(Kind("meeting.reminder", _("Meeting reminder"), Category.REMINDER, template=TEMPLATE, attachments=ics))
register(Kind("meeting.notes", _("Meeting notes"), Category.ANNOUNCEMENT, template=TEMPLATE))
register(Kind("topic.planned", _("You asked, we planned it"), Category.ANNOUNCEMENT, template=TEMPLATE))
