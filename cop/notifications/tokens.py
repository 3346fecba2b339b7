"""Signed unsubscribe tokens: they name a person and a category, need no login, and do not
expire (an unsubscribe link in an old e-mail must still work)."""

from django.core import signing

from cop.models.notification import Category

SALT = "gilde.notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, category: str) -> str:
    return signing.dumps([user_id, category], salt=SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(user id, category), or None when the token is forged, damaged or names a category that
    cannot be switched off."""
    try:
        user_id, category = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or category not in Category.values or category == Category.SECURITY:
        return None
    return user_id, category
