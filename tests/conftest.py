"""Personas shared by every test, named by their role, and the test database."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep autovacuum away from the test database's tables.

    A test writes inside a transaction it never commits. Autovacuum, passing by
    meanwhile, counts none of those rows and records the table as empty; the
    planner then nests full scans of "empty" tables, and a profile page that
    takes milliseconds ran into the statement timeout.
    """
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} "
                "SET (autovacuum_enabled = false)"
            )


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
