"""`python -m bzpeer.localdb` with a database already named.

Each test sets DATABASE_URL, so the wrapper never starts the embedded server: the
suite may itself be running under one, and a second would fight over .pgdata/.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from bzpeer.localdb import forget_dead_users

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


def test_passes_a_hangup_on_to_the_command_and_waits_for_it(tmp_path) -> None:
    # The command notes the TERM it receives, so the test can tell that the
    # wrapper forwarded the hangup instead of dying and orphaning it.
    marker = tmp_path / "terminated"
    command = (
        "import pathlib, signal, sys, time\n"
        f"def stop(*_): pathlib.Path({str(marker)!r}).touch(); sys.exit(3)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "DATABASE_URL": GIVEN_URL}
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "bzpeer.localdb", sys.executable, "-c", command],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert wrapper.stdout is not None
    assert wrapper.stdout.readline() == "ready\n"

    wrapper.send_signal(signal.SIGHUP)

    assert wrapper.wait(timeout=30) == 3
    assert marker.exists()


def test_forgets_processes_that_no_longer_run(tmp_path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    users = tmp_path / "users.json"
    users.write_text(json.dumps([ended.pid, os.getpid()]))

    forget_dead_users(users)

    assert json.loads(users.read_text()) == [os.getpid()]
