from django.conf import settings

from members.models import Membership, Role, User


def user_set_language(*, user: User, language: str) -> None:
    """Saves the person's preferred language (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def learning_goals_set(*, membership: Membership, text: str) -> None:
    """Saves the member's learning goals for this community."""
    membership.learning_goals = text.strip()
    membership.save(update_fields=["learning_goals"])


def mentor_pair(*, membership: Membership, mentor: User | None) -> None:
    """Pairs the intern with a mentor of the same community (None: no mentor)."""
    if membership.role != Role.INTERN:
        raise ValueError("Only interns are paired with a mentor.")
    if (
        mentor is not None
        and not Membership.objects.current()
        .filter(user=mentor, community_id=membership.community_id, role=Role.MENTOR)
        .exists()
    ):
        raise ValueError("The mentor must be a mentor in the same community.")
    membership.mentor = mentor
    membership.save(update_fields=["mentor"])
