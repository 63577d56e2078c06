"""What visitors get while Postgres cannot be reached.

Each check runs Django in a separate process whose DATABASE_URL points at a port
where nothing listens, so the failure is a real refused connection.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

_CLIENT_SCRIPT = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
answers = {}
for path in ["/", "/search/?q=caron", "/authors/1/someone/", "/healthz"]:
    response = client.get(path)
    answers[path] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
    }
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/bzpeer",
        "DJANGO_SETTINGS_MODULE": "bzpeer.settings",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key-for-the-outage-check-0123456789abcdef",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
    }
    # Production settings serve hashed static files, so collect them first.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT,
        env=env,
        check=True,
        timeout=120,
    )
    result = subprocess.run(
        [sys.executable, "-c", _CLIENT_SCRIPT],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=caron", "/authors/1/someone/", "/healthz"]
)
def test_answers_503_with_retry_after(answers, path):
    assert answers[path]["status"] == 503
    assert answers[path]["retry_after"] == "15"


def test_shows_a_static_page_without_a_traceback(answers):
    body = answers["/"]["body"]

    assert "Back in a moment" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
