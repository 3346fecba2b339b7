from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_mail_and_site(app_configs: object, **kwargs: object) -> list[Warning]:
    """Login codes, invitations and reminders are e-mail: production needs a real mail server."""
    problems = []
    if settings.MAILERS["default"]["BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
        problems.append(
            Warning(
                "E-mail is written to the local outbox, not sent.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) for production.",
                id="gilde.W001",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        problems.append(
            Warning(
                "SITE_URL does not use https; links in e-mails would be sent in the clear.",
                hint="Set SITE_URL to the public https address, e.g. https://gilde.example.org.",
                id="gilde.W002",
            )
        )
    return problems
