from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopConfig(AppConfig):
    name = "cop"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from cop import checks  # noqa: F401, PLC0415 (registering checks must wait for the app registry)
