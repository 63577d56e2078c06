"""Personas shared by every test, named by their role."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reader(db):
    """A logged-in visitor with no author record of their own."""
    return get_user_model().objects.create_user("reader", "reader@example.org", "pw")


@pytest.fixture
def curator(db):
    """A staff member who keeps records right in the admin."""
    return get_user_model().objects.create_user(
        "curator", "curator@example.org", "pw", is_staff=True, is_superuser=True
    )
