"""Settings for the ALPR records campaign site.

One file, driven by environment variables (README.md lists them). With none set the
site runs on its embedded defaults: SQLite, local media folder, console e-mail and
Celery tasks executed in-process. A value that cannot be parsed stops start-up with
an ImproperlyConfigured error naming the variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over the file. `make run` writes a local .env
# (debug on, a private key) so that the commands it prints run as printed; ENV_FILE names
# another file, or none when empty.
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    env.read_env(ENV_FILE)


def _read(name, parse, default):
    """Parse one variable, naming it when its value is bad."""
    try:
        return parse(name, default=default)
    except Exception as exc:  # environ raises several kinds; all mean a bad value
        raise ImproperlyConfigured(f"Environment variable {name} has a bad value: {exc}") from exc


def _positive_int(name, default):
    value = _read(name, env.int, default)
    if value < 1:
        raise ImproperlyConfigured(f"Environment variable {name} must be a positive whole number.")
    return value


def _non_negative_int(name, default):
    value = _read(name, env.int, default)
    if value < 0:
        raise ImproperlyConfigured(f"Environment variable {name} must be 0 or a whole number.")
    return value


def _rate(name, default):
    """A rate limit such as 60/minute (per second, minute, hour or day)."""
    value = _read(name, env.str, default)
    number, _slash, period = value.partition("/")
    if not (number.isdigit() and int(number) > 0) or period not in (
        "s",
        "sec",
        "second",
        "m",
        "min",
        "minute",
        "h",
        "hour",
        "d",
        "day",
    ):
        raise ImproperlyConfigured(
            f"Environment variable {name} must be a number of requests per second, minute, "
            f"hour or day, such as 60/minute, not {value!r}."
        )
    return value


DEBUG = _read("DEBUG", env.bool, False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY must be set when DEBUG is off "
            "(for local use, `make run` writes a .env file with DEBUG=true and a key)."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    # Django's own test of a weak key (check --deploy, security.W009): sessions, password
    # reset links and signed tokens are only as safe as this key.
    raise ImproperlyConfigured(
        "Environment variable SECRET_KEY is too weak for DEBUG off: it must be at least 50 "
        "characters, with at least 5 different ones, and not start with 'django-insecure-'. "
        "Make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Local names are always allowed so that container healthchecks can reach /healthz.
ALLOWED_HOSTS = [*_read("ALLOWED_HOSTS", env.list, []), "127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, [])
SITE_URL = _read("SITE_URL", env.url, "http://127.0.0.1:8000").geturl().rstrip("/")

INSTALLED_APPS = [
    "campaign.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "rest_framework",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "simple_history",
    "requests_app",
    "maps_app",
    "campaign.apps.CampaignConfig",
]
SITE_ID = 1

MIDDLEWARE = [
    # First, so that its headers are on every API answer, errors included.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy of every page (CONTENT_SECURITY_POLICY below).
    "campaign.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The map's cached data, sent as WhiteNoise sends a static file (maps_app/middleware.py).
    "maps_app.middleware.cached_map_data",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "campaign.middleware.refuse_nul_bytes",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A rate limit hit in a page (requests_app.ratelimit) answered with the 429 page.
    "campaign.middleware.RateLimitedPage",
    "allauth.account.middleware.AccountMiddleware",
    # Records who made each change to the directory (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "campaign.urls"
WSGI_APPLICATION = "campaign.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaign.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASE_URL = _read("DATABASE_URL", env.str, f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if DATABASE_URL.split(":", 1)[0] not in environ.Env.DB_SCHEMES:
    raise ImproperlyConfigured(
        "Environment variable DATABASE_URL must start with postgres:// or sqlite:// "
        f"(or another scheme django-environ knows), not {DATABASE_URL.split(':', 1)[0]!r}."
    )
DATABASES = {"default": _read("DATABASE_URL", env.db_url, DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A kept connection (CONN_MAX_AGE, e.g. ?conn_max_age=60 in DATABASE_URL) that the server
# dropped is replaced at the next request instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and in-process tasks write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "requests_app.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# URL names, reversed in the language of the page: a French visitor lands on /fr/.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# allauth: sign in with an e-mail address that has been confirmed.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ALPR records] "
# allauth's own e-mails and pages address people by their address, never "a volunteer".
ACCOUNT_USER_DISPLAY = lambda user: user.email  # noqa: E731
# Its e-mails go through the site's outbox, sent after the response (services/notify.py);
# the client's address as our own limits read it, and failed logins counted per address and
# per address and e-mail, so nobody can lock a volunteer out from elsewhere.
ACCOUNT_ADAPTER = "requests_app.accounts.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = _read("TIME_ZONE", env.str, "America/Toronto")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = _read("MEDIA_ROOT", env.path, BASE_DIR / "media")

# Media in an S3-compatible bucket when one is configured, the local folder otherwise.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = _read("AWS_S3_ENDPOINT_URL", env.str, None)
    AWS_S3_REGION_NAME = _read("AWS_S3_REGION_NAME", env.str, None)
    AWS_ACCESS_KEY_ID = _read("AWS_ACCESS_KEY_ID", env.str, None)
    AWS_SECRET_ACCESS_KEY = _read("AWS_SECRET_ACCESS_KEY", env.str, None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True  # released documents stay private until served through the site
    MEDIA_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Redis is the cache and the Celery broker when REDIS_URL is set; without it the cache
# is a database table (shared by the web server and management commands, so both see
# the same map cache version) and tasks run in-process, at the moment they are queued.
REDIS_URL = _read("REDIS_URL", env.str, "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "Environment variable REDIS_URL must start with redis://, rediss:// or unix://."
    )
# The "map" cache holds what each map request writes: camera tiles and the map's rate-limit
# counts. With Redis it is Redis; without, each process keeps its own in memory, since a
# write to the database cache costs more than building a tile (maps_app/cache.py).
if REDIS_URL:
    _REDIS_CACHE = {
        # Redis down means no cache, not a site down (campaign/cache.py); a Redis that
        # does not answer is given up on after a second.
        "BACKEND": "campaign.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    CACHES = {"default": _REDIS_CACHE, "map": _REDIS_CACHE}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "campaign_cache",
        },
        "map": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "map",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that then died (acks late: it was never acknowledged) is given to
# another worker after this long; longer than any task runs (extraction's hard limit).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _positive_int("TASK_VISIBILITY_SECONDS", 3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "claims-review-stale": {
        "task": "requests_app.tasks.claims_review_stale",
        "schedule": crontab(hour=6, minute=0),
    },
    "reminders-send-digests": {
        "task": "requests_app.tasks.reminders_send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "appeals-send-summary": {
        "task": "requests_app.tasks.appeals_send_summary",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    # Each event queues a batch; this sends whatever a lost task left behind.
    "notifications-send-batch": {
        "task": "requests_app.tasks.notifications_send_batch",
        "schedule": crontab(minute="*/15"),
    },
    # Work recorded as pending whose task was lost (broker down when it was queued, or a
    # worker killed while running it) is queued again.
    "outgoing-emails-retry": {
        "task": "requests_app.tasks.outgoing_emails_retry",
        "schedule": crontab(minute="*/5"),
    },
    "release-extractions-requeue": {
        "task": "requests_app.tasks.release_extractions_requeue",
        "schedule": crontab(minute="*/5"),
    },
    # The file of an upload whose transaction rolled back is written before its row.
    "stored-files-orphans-remove": {
        "task": "requests_app.tasks.stored_files_orphans_remove",
        "schedule": crontab(minute=20),
    },
}
# Pending work older than this is taken as lost and queued again; an extraction is tried at
# most EXTRACTION_MAX_ATTEMPTS times (one that ends its worker is not retried in a loop).
TASK_REQUEUE_MINUTES = _positive_int("TASK_REQUEUE_MINUTES", 10)
EXTRACTION_MAX_ATTEMPTS = _positive_int("EXTRACTION_MAX_ATTEMPTS", 3)

# E-mail: printed on the console unless EMAIL_URL names a real server
# (e.g. smtp+tls://user:password@smtp.example.org:587).
_email = _read("EMAIL_URL", env.email_url, "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", "")
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL", env.str, "ALPR records <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A volunteer's token first: a request that needs a sign-in then gets a 401 with its
    # challenge. No basic authentication: passwords stay with the sign-in page.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "requests_app.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "requests_app.api.common.Pages",
    "PAGE_SIZE": 100,
    # Per client, in the default cache (Redis when REDIS_URL is set); over the limit the
    # answer is a 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "requests_app.api.auth.AnonymousThrottle",
        "requests_app.api.auth.SignedInThrottle",
        "requests_app.api.auth.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _rate("API_RATE_ANONYMOUS", "60/minute"),
        "user": _rate("API_RATE_SIGNED_IN", "240/minute"),
        "token": _rate("API_RATE_TOKEN", "120/minute"),
        "map": _rate("API_RATE_MAP", "300/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ALPR records campaign API",
    "DESCRIPTION": (
        "Open data of the Canadian ALPR access-to-information campaign (police services, "
        "access laws, approved releases and findings, camera locations, appeals and the "
        "campaign's figures), and the volunteers' own work: claiming a target, logging a "
        "request's steps, uploading releases, recording findings and cameras, appeals and "
        "comments. Reading needs no account. Writing needs a sign-in: this site's session, "
        "or a token made on your account page, sent as `Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/(v1/)?",
    # One name per choice set, wherever it is used.
    "ENUM_NAME_OVERRIDES": {
        "ProvinceEnum": "requests_app.models.directory.Province",
        "AnswerEnum": "requests_app.choices.Answer",
        "DayKindEnum": "requests_app.choices.DayKind",
        "ServiceKindEnum": "requests_app.models.directory.PoliceService.Kind",
        "CameraKindEnum": "maps_app.models.CameraLocation.Kind",
        "CameraStatusEnum": "maps_app.models.CameraLocation.Status",
        "RequestStatusEnum": "requests_app.models.requests.Status",
        "TargetStatusEnum": "requests_app.selectors.TargetStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "requests_app.api.schema.error_responses",
    ],
    # Swagger UI served by the site itself, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# CORS: closed unless API_CORS_ORIGINS names the sites (or * for any) whose pages may read
# the API from the browser; then only reads (GET), and never with the site's cookies.
API_CORS_ORIGINS = _read("API_CORS_ORIGINS", env.list, [])
for _origin in API_CORS_ORIGINS:
    if _origin != "*" and not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            "Environment variable API_CORS_ORIGINS must list origins such as "
            f"https://news.example.org, or *, not {_origin!r}."
        )
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = "*" in API_CORS_ORIGINS
CORS_ALLOWED_ORIGINS = [origin for origin in API_CORS_ORIGINS if origin != "*"]
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

MAP_TILE_URL = _read("MAP_TILE_URL", env.str, "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (56.0, -96.0),
    "DEFAULT_ZOOM": 4,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": 19,
    "TILES": [("OpenStreetMap", MAP_TILE_URL, {"attribution": "© OpenStreetMap contributors"})],
}
MAP_TILE_ATTRIBUTION = _read(
    "MAP_TILE_ATTRIBUTION",
    env.str,
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# The cameras endpoint returns points from this zoom up, grid clusters below it; a response
# never holds more than MAP_MAX_CELLS clusters or MAP_MAX_POINTS points.
MAP_CLUSTER_MAX_ZOOM = _positive_int("MAP_CLUSTER_MAX_ZOOM", 14)
MAP_MAX_CELLS = _positive_int("MAP_MAX_CELLS", 2000)
MAP_MAX_POINTS = _positive_int("MAP_MAX_POINTS", 2000)
MAP_CACHE_SECONDS = _positive_int("MAP_CACHE_SECONDS", 300)
# How long a web process takes the map data's version it read as current (maps_app/cache.py):
# a change shows on the map within this many seconds everywhere, at once in the process that
# made it; 0 reads it for every answer.
MAP_VERSION_MEMO_SECONDS = _non_negative_int("MAP_VERSION_MEMO_SECONDS", 1)
# A camera tile from MAP_CLUSTER_MAX_ZOOM up holds at most this many points, clusters past
# it: 77 tiles fill a 2560x1440 screen, and each stays near a kilobyte.
MAP_TILE_MAX_POINTS = _positive_int("MAP_TILE_MAX_POINTS", 24)
# Build the map's coverage, camera grid and exports as soon as the data changes (a task on
# commit), so the first visitor after a change finds them ready.
MAP_PREBUILD = _read("MAP_PREBUILD", env.bool, True)
# Where the camera exports are written (built by a task, served as files); empty: an
# "exports" folder in MEDIA_ROOT. Every web process must see the same folder.
EXPORTS_ROOT = _read("EXPORTS_ROOT", env.str, "")
# A camera submitted this close to a known one is flagged as a possible duplicate.
MAP_DUPLICATE_METRES = _positive_int("MAP_DUPLICATE_METRES", 25)
CAMERA_PHOTO_MAX_BYTES = _positive_int("CAMERA_PHOTO_MAX_MB", 10) * 1_000_000

# Campaign rules an organizer may tune.
CLAIM_CAP = _positive_int("CLAIM_CAP", 5)
CLAIM_STALE_DAYS = _positive_int("CLAIM_STALE_DAYS", 14)
# Watchers' e-mails gather what happened in this many seconds after an event into one.
NOTIFY_BATCH_SECONDS = _positive_int("NOTIFY_BATCH_SECONDS", 300)
EVENT_ATTACHMENT_MAX_BYTES = _positive_int("EVENT_ATTACHMENT_MAX_MB", 20) * 1_000_000
RELEASE_MAX_FILE_BYTES = _positive_int("RELEASE_MAX_FILE_MB", 50) * 1_000_000
RELEASE_MAX_REQUEST_BYTES = _positive_int("RELEASE_MAX_REQUEST_MB", 500) * 1_000_000
# Hostile files (docs/reliability.md): a spreadsheet may unpack to at most this much, and
# extracting a release's text stops after EXTRACTION_SECONDS (the worker's task gets a
# little more as its Celery soft limit, then a hard one), after EXTRACTION_MAX_PAGES pages
# and EXTRACTION_MAX_CHARS characters.
FILE_MAX_UNPACKED_BYTES = _positive_int("FILE_MAX_UNPACKED_MB", 100) * 1_000_000
EXTRACTION_SECONDS = _positive_int("EXTRACTION_SECONDS", 120)
EXTRACTION_MAX_PAGES = _positive_int("EXTRACTION_MAX_PAGES", 2000)
EXTRACTION_MAX_CHARS = _positive_int("EXTRACTION_MAX_CHARS", 1_000_000)
# Uploads bigger than this go to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000

if not DEBUG:
    SESSION_COOKIE_SECURE = _read("SECURE_COOKIES", env.bool, True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only: plain HTTP is redirected and browsers are told to use HTTPS for a year
    # (HSTS). Container healthchecks call /healthz over plain HTTP from inside.
    SECURE_SSL_REDIRECT = _read("SECURE_SSL_REDIRECT", env.bool, True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = _non_negative_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _read("SECURE_HSTS_INCLUDE_SUBDOMAINS", env.bool, True)
    SECURE_HSTS_PRELOAD = _read("SECURE_HSTS_PRELOAD", env.bool, True)

# Content-Security-Policy (django-csp) on every page: scripts, styles and everything else
# from the site itself, nothing inline; images also from the tile server (added by
# campaign.middleware.ContentSecurityPolicy from MAP_TILE_URL) and data: URLs (Leaflet's
# and Swagger UI's icons). No page may be framed, except /map/embed/ (its view opens
# frame-ancestors). Served files carry their own, stricter policy (filetypes.file_response).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # One style attribute is allowed by its hash: "border-top: 0" on the pager of the
        # admin's history pages (django-simple-history's template).
        "style-src": [
            "'self'",
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

# Rate limits behind a proxy: the client's address is the TRUSTED_PROXY_COUNT-th entry from
# the right of X-Forwarded-For (0: no proxy, REMOTE_ADDR). requests_app.ratelimit.client_address
# reads it for the API's throttles, allauth's limits and ours.
TRUSTED_PROXY_COUNT = _non_negative_int("TRUSTED_PROXY_COUNT", 0)
# The same count for any stock DRF throttle (ours read client_address).
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# How often one person (a signed-in volunteer, else an address) may do what others then
# read or review; over it the answer is a 429 and nothing is saved (requests_app.ratelimit).
RATE_LIMITS = {
    "claims": _rate("RATE_LIMIT_CLAIMS", "10/hour"),
    "cameras": _rate("RATE_LIMIT_CAMERAS", "60/hour"),
    "uploads": _rate("RATE_LIMIT_UPLOADS", "60/hour"),
    "comments": _rate("RATE_LIMIT_COMMENTS", "60/hour"),
    "corrections": _rate("RATE_LIMIT_CORRECTIONS", "20/hour"),
    "suggest": _rate("RATE_LIMIT_SUGGEST", "60/minute"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", env.str, "INFO")},
    # Django gives its logger a console handler of its own and lets records propagate too,
    # so each line printed twice; without its handlers they reach the root console once.
    # (django.server keeps its own handler and does not propagate.)
    "loggers": {"django": {"handlers": [], "level": "INFO"}},
}
