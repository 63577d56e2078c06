"""What a developer sees on the console: each message once."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

LOG_TWO_MESSAGES = """
import logging
import django

django.setup()
logging.getLogger("django.utils.autoreload").info("django-marker")
logging.getLogger("works.importers").warning("works-marker")
"""


def test_prints_each_message_once_in_development():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bzpeer.settings", "DEBUG": "1"}

    result = subprocess.run(
        [sys.executable, "-c", LOG_TWO_MESSAGES],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stderr.count("django-marker") == 1
    assert result.stderr.count("works-marker") == 1


ASK_FOR_ANOTHER_HOST = """
import django

django.setup()
from django.test import Client

response = Client().get("/robots.txt", headers={"host": "evil.example"})
print(response.status_code)
"""


def test_answers_another_host_without_a_traceback_in_the_log():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bzpeer.settings", "DEBUG": "1"}

    result = subprocess.run(
        [sys.executable, "-c", ASK_FOR_ANOTHER_HOST],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout == "400\n"
    assert "Traceback" not in result.stderr
    assert "evil.example" not in result.stderr
