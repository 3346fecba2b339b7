from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        # Registers the meeting notification kinds, and keeps cached agendas current.
        from meetings import notifications, signals  # noqa: F401, PLC0415
