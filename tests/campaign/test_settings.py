"""Settings are read from the environment: embedded defaults, real services, and bad values."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "claim_cap": settings.CLAIM_CAP,
}))
"""
VARIABLES = [
    "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "AWS_STORAGE_BUCKET_NAME", "ALLOWED_HOSTS",
    "SECRET_KEY", "DEBUG", "CLAIM_CAP", "REQUIRE_SERVICES", "API_CORS_ORIGINS",
    "API_RATE_ANONYMOUS", "API_RATE_SIGNED_IN", "API_RATE_TOKEN", "API_RATE_MAP",
]  # fmt: skip


def load_settings(probe=PROBE, **variables):
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    # ENV_FILE="": a developer's local .env must not answer for the variables under test.
    env.update({"ENV_FILE": "", **variables}, DJANGO_SETTINGS_MODULE="campaign.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_runs_on_embedded_defaults_without_configuration():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed["db"] == "django.db.backends.sqlite3"
    assert parsed["db_name"].endswith("db.sqlite3")
    assert parsed["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert parsed["eager"] is True
    assert parsed["email"] == "django.core.mail.backends.console.EmailBackend"
    assert parsed["storage"] == "django.core.files.storage.FileSystemStorage"
    assert parsed["claim_cap"] == 5


def test_it_uses_the_services_named_in_the_environment():
    result = load_settings(
        DEBUG="false",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="alpr.example.org,www.alpr.example.org",
        DATABASE_URL="postgres://campaign:pw@db:5432/campaign",
        REDIS_URL="redis://redis:6379/0",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.org:587",
        AWS_STORAGE_BUCKET_NAME="releases",
        CLAIM_CAP="8",
    )
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed["db"] == "django.db.backends.postgresql"
    assert parsed["db_name"] == "campaign"
    assert parsed["cache"] == "campaign.cache.FailSoftRedisCache"
    assert parsed["eager"] is False
    assert parsed["broker"] == "redis://redis:6379/0"
    assert parsed["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert parsed["storage"] == "storages.backends.s3.S3Storage"
    assert parsed["debug"] is False
    assert parsed["hosts"][:2] == ["alpr.example.org", "www.alpr.example.org"]
    assert parsed["claim_cap"] == 8


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"DEBUG": "true", "CLAIM_CAP": "five"}, "CLAIM_CAP"),
        ({"DEBUG": "true", "CLAIM_CAP": "0"}, "CLAIM_CAP"),
        ({"DEBUG": "true", "DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL"),
        ({"DEBUG": "true", "REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"DEBUG": "true", "EMAIL_URL": "pigeon://coop"}, "EMAIL_URL"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "true", "API_RATE_ANONYMOUS": "lots"}, "API_RATE_ANONYMOUS"),
        ({"DEBUG": "true", "API_RATE_TOKEN": "0/minute"}, "API_RATE_TOKEN"),
        ({"DEBUG": "true", "API_CORS_ORIGINS": "news.example.org"}, "API_CORS_ORIGINS"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variables, named):
    result = load_settings(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_each_log_line_is_printed_once():
    # django.setup() installs Django's logging and then ours, as the dev server does.
    probe = "import logging\nlogging.getLogger('django.request').warning('Not Found: /probe')"
    result = load_settings(probe, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["Not Found: /probe"]
