"""`python -m bzpeer.localdb` with a database already named.

Each test sets DATABASE_URL, so the wrapper never starts the embedded server: the
suite may itself be running under one, and a second would fight over .pgdata/.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
GIVEN_URL = "postgres://someone@db.invalid:6543/elsewhere?sslmode=disable"


def _run_localdb(*command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": GIVEN_URL}
    return subprocess.run(
        [sys.executable, "-m", "bzpeer.localdb", *command],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_passes_database_url_through_untouched() -> None:
    print_url = "import os; print(os.environ['DATABASE_URL'])"

    result = _run_localdb(sys.executable, "-c", print_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout == GIVEN_URL + "\n"


def test_returns_the_commands_exit_code() -> None:
    result = _run_localdb(sys.executable, "-c", "raise SystemExit(7)")

    assert result.returncode == 7


def test_creates_a_missing_database_on_a_server_that_answers(django_db_blocker):
    import psycopg
    from django.db import connection

    from bzpeer.localdb import ensure_database

    settings = connection.settings_dict
    host = quote(settings["HOST"] or "localhost", safe="")
    server = f"postgres://{settings['USER']}@{host}:{settings['PORT'] or 5432}"
    name = "bzpeer_localdb_check"
    with (
        django_db_blocker.unblock(),
        psycopg.connect(f"{server}/postgres", autocommit=True) as admin,
    ):
        admin.execute(f"DROP DATABASE IF EXISTS {name}")

        ensure_database(f"{server}/{name}")

        found = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
    assert found == (1,)
