from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CopConfig(AppConfig):
    name = "cop"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from cop import checks  # noqa: F401, PLC0415 (registering checks must wait for the app registry)
        from cop.models.notification import Category  # noqa: PLC0415 (models are ready only now)
        from cop.notifications.kinds import Kind, register  # noqa: PLC0415

        register(Kind("success.shared", _("New success"), Category.ANNOUNCEMENT, template="notifications/success"))
        register(Kind("digest.weekly", _("Weekly digest"), Category.DIGEST, template="notifications/digest"))


class GildeAdminConfig(admin_apps.AdminConfig):
    """Django's admin with Gilde's site, which records admin edits in the audit log."""

    default = False  # CopConfig stays this module's default for "cop"
    default_site = "cop.admin_site.GildeAdminSite"
