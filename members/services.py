from django.conf import settings

from members.models import User


def user_set_language(*, user: User, language: str) -> None:
    """Saves the person's preferred language (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
