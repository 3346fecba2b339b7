from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from cop.models.notification import Category  # noqa: PLC0415 (models are ready only now)
        from cop.notifications.kinds import Kind, register  # noqa: PLC0415

        register(Kind("survey.invitation", _("Survey"), Category.SURVEY, template="notifications/survey"))
        register(Kind("survey.reminder", _("Survey reminder"), Category.SURVEY, template="notifications/survey"))
