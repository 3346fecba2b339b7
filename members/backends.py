"""The authentication backends Gilde uses (Django's, for the admin, and allauth's), with the
signed-in person's row read by a compiled query (cop.compiled): every signed-in request reads it,
and compiling it was a third of what such a request cost beyond an anonymous one."""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends

from cop.compiled import Compiled
from members.models import User

_person = Compiled(lambda pk: User.objects.filter(pk=pk))


class _CompiledGetUser:
    def get_user(self, user_id: int) -> User | None:
        # As ModelBackend.get_user, which runs User.objects.get(pk=user_id).
        found = _person.instances(int(user_id))
        return found[0] if found and self.user_can_authenticate(found[0]) else None


class ModelBackend(_CompiledGetUser, django_backends.ModelBackend):
    pass


class AuthenticationBackend(_CompiledGetUser, allauth_backends.AuthenticationBackend):
    pass


# Sessions signed in before these backends were Gilde's name Django's and allauth's own; they are
# read as these (cop.sessions), so nobody is signed out by the change.
RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "members.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "members.backends.AuthenticationBackend",
}
