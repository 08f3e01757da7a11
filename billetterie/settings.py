"""Django settings. Configuration comes from the environment only (see README)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from billetterie import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_flag("DEBUG", default=False)
BASE_URL = os.environ.get("BILLETTERIE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("https://") else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    # foundations
    "billetterie.core",
    "billetterie.documents",
    "billetterie.notifications",
    # domain
    "billetterie.catalog",
    "billetterie.inventory",
    "billetterie.orders",
    "billetterie.payments",
    "billetterie.vouchers",
    "billetterie.banking",
    "billetterie.passes",
    "billetterie.invitations",
    "billetterie.checkin",
    # surfaces
    "billetterie.shop",
    "billetterie.backoffice",
    "billetterie.boxoffice",
    "billetterie.scanner",
    "billetterie.api",
    "billetterie.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "billetterie.urls"
WSGI_APPLICATION = "billetterie.wsgi.application"

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
                "billetterie.backoffice.context_processors.backoffice",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
SQLITE_OPTIONS = {
    # BEGIN IMMEDIATE: a writer takes the lock up front and waits on the busy timeout
    # instead of failing with "database is locked" when it upgrades a read lock.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=20000;"
    ),
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    else:
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # Server-side prepared statements for the few hot queries that ask for them (the
        # check-in redeem path): planning costs more than running them. Django's own
        # queries use client-side binding and are never prepared. Behind PgBouncer in
        # transaction mode older than 1.21, set BILLETTERIE_DB_PREPARE=0.
        if os.environ.get("BILLETTERIE_DB_PREPARE", "1") not in {"0", "false", "no"}:
            DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "billetterie.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions ------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "billetterie",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- tasks ----------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # separate queues so a slow webhook receiver never delays a ticket email
        "QUEUES": ["default", "email", "webhooks", "exports"],
    }
}

# --- auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- i18n, time -----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("de", _("German")), ("it", _("Italian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["billetterie.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Zurich"
USE_TZ = True

# --- static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # buyers' uploaded documents: outside MEDIA_ROOT, never served by a web server; the
    # order page streams them to whoever holds the order's secret link
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- email ----------------------------------------------------------------------------
MAILERS = {"default": config.mailer(os.environ.get("EMAIL_URL"), DATA_DIR)}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "billetterie <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# the platform operator, told when a payment is put in opposition automatically (PAY-3);
# Django's ADMINS when empty
PLATFORM_OPERATOR_EMAIL = os.environ.get("PLATFORM_OPERATOR_EMAIL", "")
# PayPal's REST API: the sandbox unless the installation takes real money
PAYPAL_API_BASE = os.environ.get("PAYPAL_API_BASE", "https://api-m.sandbox.paypal.com").rstrip("/")

# --- security -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
BEHIND_HTTPS = BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = BEHIND_HTTPS
CSRF_COOKIE_SECURE = BEHIND_HTTPS
LANGUAGE_COOKIE_SECURE = BEHIND_HTTPS
if BEHIND_HTTPS:
    # the reverse proxy terminates TLS and says so in this header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = config.env_flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "billetterie": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}

# --- product --------------------------------------------------------------------------
LOGIN_RATE_LIMIT = (10, 15 * 60)  # attempts per window (seconds), per email and per address
ENABLE_PLATFORM_ADMIN = config.env_flag("BILLETTERIE_ENABLE_ADMIN", default=False)
if ENABLE_PLATFORM_ADMIN:
    INSTALLED_APPS.insert(0, "django.contrib.admin")

# Webhooks go to public addresses only (no SSRF into the platform's network); a closed
# installation whose receivers live on its own network turns this on.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = config.env_flag(
    "BILLETTERIE_WEBHOOKS_ALLOW_PRIVATE", default=DEBUG
)
# Where the stripe library sends its API calls; empty keeps the library's own address.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
