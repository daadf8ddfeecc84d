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
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_COOKIES", "TRUSTED_PROXY_COUNT", "CSRF_TRUSTED_ORIGINS",
    "SITE_URL", "MAP_TILE_URL",
    *(f"RATE_LIMIT_{action}" for action in (
        "CLAIMS", "CAMERAS", "UPLOADS", "COMMENTS", "CORRECTIONS", "SUGGEST"
    )),
]  # fmt: skip
# What `python -c 'import secrets; print(secrets.token_urlsafe(50))'` gives.
STRONG_KEY = "q3Xv9kLmN2pR7sT4wY8zA1bC5dE6fG0hJ-iK_oU3nM9lP2qR4tV7"


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
        SECRET_KEY=STRONG_KEY,
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
        # Weak keys (Django's own test, security.W009): short, few characters, a dev key.
        ({"DEBUG": "false", "SECRET_KEY": "change-me-to-a-long-random-string"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "abcd" * 20}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "django-insecure-" + STRONG_KEY}, "SECRET_KEY"),
        (
            {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "SECURE_HSTS_SECONDS": "-1"},
            "SECURE_HSTS_SECONDS",
        ),
        ({"DEBUG": "true", "TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
        ({"DEBUG": "true", "RATE_LIMIT_COMMENTS": "many/hour"}, "RATE_LIMIT_COMMENTS"),
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


def test_a_weak_secret_key_is_refused_with_how_to_make_one():
    result = load_settings(DEBUG="false", SECRET_KEY="change-me-to-a-long-random-string")
    assert result.returncode != 0
    refusal = result.stderr.splitlines()[-1]
    assert "SECRET_KEY is too weak" in refusal
    assert "secrets.token_urlsafe(50)" in refusal


def test_the_deploy_checks_pass_with_only_debug_off_a_strong_key_and_the_hosts():
    # Nothing else from this process's environment (the browser tests set a variable the
    # checks refuse in production).
    env = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": "",
        "DEBUG": "false",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "alpr.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


# Requests answered by the production settings (DEBUG off), over plain HTTP or through the
# TLS proxy (X-Forwarded-Proto: https).
HTTPS_PROBE = """
import json
from django.test import Client
client = Client(HTTP_HOST="alpr.example.org")
health = client.get("/healthz", HTTP_HOST="localhost")
page = client.get("/api/v1/no-such-thing/")  # a JSON 404: needs no database
secure = client.get("/healthz", HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "health": health.status_code,
    "page": page.status_code,
    "page_to": page.get("Location"),
    "hsts": secure.get("Strict-Transport-Security"),
}))
"""


def test_without_debug_http_is_redirected_to_https_and_browsers_told_to_stay_there():
    result = load_settings(
        HTTPS_PROBE, DEBUG="false", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="alpr.example.org"
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    assert answers["page"] == 301
    assert answers["page_to"] == "https://alpr.example.org/api/v1/no-such-thing/"
    # The container healthcheck calls /healthz over plain HTTP: answered, not redirected
    # (whatever it finds: no database in this probe).
    assert answers["health"] in (200, 503)
    assert answers["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_https_and_hsts_can_be_tuned():
    result = load_settings(
        HTTPS_PROBE,
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="alpr.example.org",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false",
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    assert answers["page"] == 404  # answered over plain HTTP
    assert answers["hsts"] == "max-age=600"
