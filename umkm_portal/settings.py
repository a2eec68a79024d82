"""Settings for UMKM Portal, read from environment variables (see README, "Configuration").

Defaults are safe: DEBUG is off, HTTPS protections are on, and a missing SECRET_KEY or
DATABASE_URL stops the start. `make run` turns DEBUG on; `make test` turns HTTPS off for loopback.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from registry.sealed import parse_key
from umkm_portal.env import env_bool, env_int, env_list, env_str
from umkm_portal.storage import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

#
# Core
#

DEBUG = env_bool("DEBUG", default=False)
# Only development may run on a known key; without DEBUG a missing SECRET_KEY stops the start.
SECRET_KEY = env_str("SECRET_KEY", default="django-insecure-development-only-key" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "umkm_portal.apps.PortalConfig",
    "registry",
    "programs",
    "reports",
]

MIDDLEWARE = [
    "umkm_portal.logs.RequestIdMiddleware",  # first: every log line of a request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "umkm_portal.middleware.RequestSizeLimitMiddleware",  # before anything reads request.POST
    "django.contrib.sessions.middleware.SessionMiddleware",
    "umkm_portal.middleware.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "umkm_portal.middleware.IdleSessionMiddleware",
    "umkm_portal.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_view runs after CSRF's has parsed the body: refuses NUL and other controls.
    "umkm_portal.middleware.ControlCharacterMiddleware",
    # Its process_exception runs first: a statement PostgreSQL ended for another transaction gets a page, not a 500.
    "umkm_portal.middleware.ConflictMiddleware",
]

ROOT_URLCONF = "umkm_portal.urls"
WSGI_APPLICATION = "umkm_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.role",
                "umkm_portal.second_factor.pending",
            ],
        },
    },
    {
        # Only the business list's rows and the catalogue's cards (umkm_portal/jinja2.py says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "umkm_portal.jinja2.environment"},
    },
]

#
# Database: PostgreSQL only
#

_database_url = env_str("DATABASE_URL", default="")
if not _database_url:
    raise ImproperlyConfigured(
        "DATABASE_URL is required (postgres://user:password@host:port/name); "
        "`make run` and `make test` start a local cluster and set it for you."
    )
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#
# PgBouncer and read replicas (README, "PgBouncer and read replicas")
#

# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator(), a form's model choices)
# is gone by the next transaction: turn them off there. Exports walk primary-key chunks and need none.
_no_server_cursors = env_bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = _no_server_cursors
_replica_url = env_str("DATABASE_REPLICA_URL", default="")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=env_int("CONN_MAX_AGE", default=60), conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point to PostgreSQL (postgres://...).")
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = _no_server_cursors
    # A replica that does not answer is given up quickly (umkm_portal.routers): its pages read the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Tests read and write one database: the replica alias is the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Without a "replica" database the router and its middleware change nothing.
DATABASE_ROUTERS = ["umkm_portal.routers.ReplicaRouter"]
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE.insert(_after_security, "umkm_portal.routers.ReplicaRoutingMiddleware")
# After a request that wrote, that browser reads the primary for this long: longer than the replica lag
# you tolerate (healthz reports it).
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", default=15)

#
# Cache: shared by every app node and worker (never a per-process cache)
#

# CACHE_URL=redis://host:port/db (rediss:// for TLS) uses Redis; without it the cache lives in the
# database (table umkm_cache, made by reports migration 0008), which needs nothing more to run.
_cache_url = env_str("CACHE_URL", default="")
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Django's RedisCache; a Redis that does not answer is served as misses (umkm_portal.cache).
            "BACKEND": "umkm_portal.cache.TolerantRedisCache",
            "LOCATION": _cache_url,
            # A Redis that does not answer fails the request (and /healthz) in seconds, not minutes.
            "OPTIONS": {
                "socket_connect_timeout": env_int("CACHE_TIMEOUT_SECONDS", default=2),
                "socket_timeout": env_int("CACHE_TIMEOUT_SECONDS", default=2),
            },
        }
    }
elif not _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "umkm_cache",
            # Django's 300 would be culled all day by a dashboard per officer and filter.
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }
else:
    raise ImproperlyConfigured("CACHE_URL must be redis://host:port/db, rediss://... or unix://...; or unset.")

#
# Authentication
#

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "registry.passwords.GuessableWordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "umkm_portal.security.LoginLockoutBackend",
    "umkm_portal.security.PermissionBackend",  # Django's ModelBackend, permissions in one query
]
# Lockout per username *and* address: a guesser is stopped, while an office whose many users share one
# NAT address is never locked out as a whole, and another address can still log in to that username.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "umkm_portal.security.client_ip"
# Public pages (umkm_portal.limits): searches and buyer inquiries per client address, counted in the cache.
PUBLIC_SEARCH_RATE = env_str("PUBLIC_SEARCH_RATE", default="60/m")
PUBLIC_INQUIRY_RATE = env_str("PUBLIC_INQUIRY_RATE", default="5/h")
# New builds of a printable catalogue or buyer-desk sheet (programs.catalogue_files) per address.
PUBLIC_CATALOGUE_FILE_RATE = env_str("PUBLIC_CATALOGUE_FILE_RATE", default="20/h")
# Admins and dinas staff give a TOTP code after the password (umkm_portal.second_factor); `make run`
# (DEBUG) leaves it off so the demo logins work without an authenticator app.
OTP_REQUIRED = env_bool("OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "UMKM Portal"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # the longest one login lasts
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", default=30 * 60)  # umkm_portal.middleware.IdleSessionMiddleware
# A password-reset link works once (Django's token holds the password hash and the last login) and for one
# hour: long enough to open a mail, short enough that an old mail in an inbox is no key (Django's default is
# three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
# Reset e-mails asked for per e-mail address and per client address in a rolling hour (umkm_portal.accounts).
PASSWORD_RESET_PER_EMAIL = env_int("PASSWORD_RESET_PER_EMAIL", default=3)
PASSWORD_RESET_PER_IP = env_int("PASSWORD_RESET_PER_IP", default=10)
# An authenticator enrolment code from an admin is valid this long (used once).
ENROLMENT_CODE_HOURS = env_int("ENROLMENT_CODE_HOURS", default=72)

#
# Language, time, numbers
#

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates read "30 November 2026" (umkm_portal/formats/en); Indonesian keeps Django's formats.
FORMAT_MODULE_PATH = ["umkm_portal.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

#
# Static and media files
#

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

# `manage.py backup` seals its files with this key when it is set (registry.sealed); restore needs the same key.
BACKUP_KEY = env_str("BACKUP_KEY", default="")
if BACKUP_KEY:
    parse_key(BACKUP_KEY)  # a malformed key stops the start, not the first night's backup

# The largest request body accepted (a product's photos, 10 MB each, plus the form around them); a larger one
# is refused by its Content-Length before it is read (umkm_portal.middleware.RequestSizeLimitMiddleware). The
# import's upload page alone takes up to MAX_IMPORT_REQUEST_MB (its file may be 100 MB: registry/forms.py
# MAX_IMPORT_BYTES). The proxy's client_max_body_size says the same (README). Uploads above
# FILE_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB) are spooled to a temporary file, not held in memory.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_MB", default=55) * 1024 * 1024
MAX_IMPORT_REQUEST_BYTES = env_int("MAX_IMPORT_REQUEST_MB", default=105) * 1024 * 1024

# Soft-deleted businesses and owners are destroyed by `manage.py purge_deleted` after this many days.
DELETED_RETENTION_DAYS = env_int("DELETED_RETENTION_DAYS", default=365)

# An Excel export of more rows than this is made in the background (reports.jobs) with a progress page.
EXPORT_INLINE_MAX_ROWS = 5000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

#
# Background work: Django's Tasks API on PostgreSQL (django-tasks-db), worked off by `manage.py run_worker`
#

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker writes its heartbeat this often; a task whose worker has been silent for WORKER_LOST_SECONDS is
# given to another worker (umkm_portal.worker).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", default=5)
WORKER_LOST_SECONDS = env_int("WORKER_LOST_SECONDS", default=60)

#
# Shared file storage (umkm_portal/storage.py): photos, scans, import and export files on an S3-compatible
# bucket when STORAGE_URL or AWS_STORAGE_BUCKET_NAME is set, so every node and worker sees them; else MEDIA_ROOT.
#

STORAGES["default"] = default_storage_from_env()
# Behind nginx, a permission-checked view may hand a local file to the proxy (X-Accel-Redirect) instead of
# streaming it through Python: the prefix of nginx's `internal` location over MEDIA_ROOT (README, "Deploying").
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT", default="")
if MEDIA_ACCEL_REDIRECT and not (MEDIA_ACCEL_REDIRECT.startswith("/") and MEDIA_ACCEL_REDIRECT.endswith("/")):
    raise ImproperlyConfigured(
        "MEDIA_ACCEL_REDIRECT must be a path that starts and ends with '/', e.g. /internal-media/."
    )
# registry.cleanup (`manage.py cleanup_files`): an import's file and an export's file are kept this many days.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", default=30)
EXPORT_FILE_RETENTION_DAYS = env_int("EXPORT_FILE_RETENTION_DAYS", default=7)

#
# E-mail
#

if env_bool("EMAIL_CONSOLE", default=DEBUG):
    # Development: mail is printed, never sent.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", default="localhost"),
                "port": env_int("EMAIL_PORT", default=587),
                "username": env_str("EMAIL_HOST_USER", default=""),
                "password": env_str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="UMKM Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

#
# Security: on by default; HTTPS=false only for plain-HTTP loopback (development and tests)
#

HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    # The reverse proxy terminates TLS and says so in this header; never trust it without a proxy.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script or style anywhere: every script is a file under static/.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

#
# Third-party apps
#

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

#
# Logging: to stderr, where gunicorn and systemd collect it
#

# json: one JSON object per line with the request's id (umkm_portal.logs), for a log collector;
# text: plain lines for a person at a terminal. Production writes JSON unless told otherwise.
LOG_FORMAT = env_str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "umkm_portal.logs.RequestIdFilter"},
        "refusal": {"()": "umkm_portal.logs.RefusalWithoutTracebackFilter"},
    },
    "formatters": {
        "text": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        "json": {"()": "umkm_portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # pikepdf says at INFO that it was imported, in every process: not worth a line (nor axes' greeting).
    "loggers": {
        # Django's own default handlers (a console one when DEBUG, mail_admins) are taken off: every line goes
        # through the root's handler once, as text or JSON, instead of twice when DEBUG.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        "pikepdf": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # "AXES: BEGIN version ...", once in every process
        "django.request": {"filters": ["refusal"]},
    },
}

#
# Project settings
#

# Roles, as Django groups; registry.roles gives each its permissions.
UMKM_ROLE_GROUPS = {
    "dinas": "Dinas",
    "coordinator": "Koordinator",
    "bank": "Bank",
    "group_coordinator": "Koordinator kelompok",
}
