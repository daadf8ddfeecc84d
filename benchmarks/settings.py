"""The site's settings, pointed at the benchmark's own database, cache and folders.

The runner (benchmarks/run.py) sets BENCH_DATABASE (a SQLite path or a PostgreSQL URL it
created) and BENCH_DIR (its temporary folder); the user's database, cache and media are
never touched. Debug is off, as in production; static files are served by WhiteNoise
straight from the source folders, plus the baseline files the runner writes.
"""

import os

os.environ["DEBUG"] = "false"
os.environ.setdefault(
    "SECRET_KEY", "benchmark-only-key-never-used-to-serve-anyone-0123456789-abcdefghij"
)
# Served over plain HTTP on 127.0.0.1: no secure-only cookies, no redirect to HTTPS.
os.environ["SECURE_COOKIES"] = "false"
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["ENV_FILE"] = ""  # the user's .env would point at their database

from campaign.settings import *  # noqa: F403
from campaign.settings import REST_FRAMEWORK, STATICFILES_DIRS, env

BENCH_DIR = Path(os.environ["BENCH_DIR"])  # noqa: F405
BENCH_DATABASE = os.environ["BENCH_DATABASE"]

if BENCH_DATABASE.startswith(("postgres://", "postgresql://")):
    DATABASES = {"default": env.db_url_config(BENCH_DATABASE)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BENCH_DATABASE,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# One cache per benchmark database, so the full and the small data never share entries.
_prefix = "bench-" + Path(BENCH_DATABASE).name.replace("/", "-")  # noqa: F405
if os.environ.get("BENCH_REDIS_URL"):
    _redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["BENCH_REDIS_URL"],
        "KEY_PREFIX": _prefix,
    }
    CACHES = {"default": _redis, "map": _redis}
# Without Redis, the site's own: the database cache (a table of each benchmark database) and
# the per-process "map" cache.
# Tasks run in-process: no worker is started.
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = True

# Per database too: the camera exports are files built from each database's cameras.
MEDIA_ROOT = BENCH_DIR / "media" / _prefix
STATICFILES_DIRS = [*STATICFILES_DIRS, BENCH_DIR / "static"]
STATIC_ROOT = BENCH_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The load generator is one client: the map's per-client limit would answer 429s.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "map": "100000000/second",
        "anon": "100000000/second",
    },
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": [], "level": "ERROR"}},
}
