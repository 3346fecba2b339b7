import pytest
from django.db import transaction
from django.test import override_settings

from tests.authorization.world import World, world_build


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker) -> World:
    """Built once for this package in a transaction rolled back after its last test; each test runs in
    a savepoint inside it (pytest-django's own), so nothing one test does is seen by the next."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield world_build()
        transaction.set_rollback(True)
