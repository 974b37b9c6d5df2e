"""Trama settings. Everything that differs between machines comes from environment variables (TRAMA_*,
DATABASE_URL); a bad value stops the start-up with a message naming the variable."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from trama.env import database_from_url, env_bool, env_choice, env_int, env_list, env_str
from trama.lib.crypto import KeyRingError, parse_key_ring

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TRAMA_VAR_DIR", str(BASE_DIR / "var")))

# "dev" for the demo and tests, "production" for real deployments (see docs/operations.md).
PROFILE = env_choice("TRAMA_PROFILE", "dev", {"dev", "production"})
PRODUCTION = PROFILE == "production"

DEBUG = env_bool("TRAMA_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("TRAMA_DEBUG must be off with TRAMA_PROFILE=production.")

SECRET_KEY = env_str("TRAMA_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("TRAMA_SECRET_KEY is required with TRAMA_PROFILE=production.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 - dev profile only
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("TRAMA_SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list("TRAMA_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("TRAMA_ALLOWED_HOSTS is required with TRAMA_PROFILE=production.")
CSRF_TRUSTED_ORIGINS = env_list("TRAMA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "trama.core",
    "trama.territory",
    "trama.accounts",
    "trama.network",
    "trama.directory",
    "trama.portal",
    "trama.records",
    "trama.referrals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "trama.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "trama.core.middleware.StaffLanguageMiddleware",
    "trama.core.middleware.StaffApiErrorBodyMiddleware",  # in the language just chosen
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "trama.accounts.middleware.AccessMiddleware",
    "trama.core.middleware.AuditContextMiddleware",
    "trama.accounts.middleware.IdleTimeoutMiddleware",
    "trama.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the final outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trama.urls"
WSGI_APPLICATION = "trama.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "trama.core.context_processors.trama",
                "trama.accounts.context_processors.acting",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL, jit_off=env_bool("TRAMA_PG_JIT_OFF", True))}
else:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL (postgresql://…) is required with TRAMA_PROFILE=production.")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("TRAMA_SQLITE_PATH", str(VAR_DIR / "trama.sqlite3")),
            # Kept open across requests (as PostgreSQL's are): a new connection per request re-reads the schema and
            # starts with an empty page cache, which cost a third of a household list's time.
            "CONN_MAX_AGE": env_int("TRAMA_SQLITE_CONN_MAX_AGE", 600, minimum=0),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait (busy timeout)
                # instead of failing with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("TRAMA_SQLITE_TIMEOUT", 20, minimum=1),
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=20000; "
                    # 64 MB of page cache per connection (the default is 2 MB) and reads through a memory map: the
                    # funnel's lists read thousands of household pages per request.
                    "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two-factor authentication: roles that can see social records must confirm a TOTP device.
TRAMA_2FA_REQUIRED = env_bool("TRAMA_2FA_REQUIRED", default=PRODUCTION)
# Permissions whose holders need the second factor (see trama/accounts/roles.py).
TRAMA_2FA_PERMISSIONS = env_list("TRAMA_2FA_PERMISSIONS", ["records.view", "core.audit_view", "accounts.manage"])
OTP_TOTP_ISSUER = "Trama"

# Idle session timeout, in minutes (the session expires this long after the last request).
TRAMA_IDLE_TIMEOUT_MINUTES = env_int("TRAMA_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock an account+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("TRAMA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Reverse proxies in front of the app that append to X-Forwarded-For (0 = none; nginx in front = 1). Used for
# the audit log's IP and for login throttling, so a client cannot spoof its address with the header.
TRAMA_TRUSTED_PROXIES = env_int("TRAMA_TRUSTED_PROXIES", 0, minimum=0)
AXES_IPWARE_PROXY_COUNT = TRAMA_TRUSTED_PROXIES
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRAMA_TRUSTED_PROXIES else ["REMOTE_ADDR"]
)

# --- E-mail ----------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "TRAMA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("TRAMA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TRAMA_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("TRAMA_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("TRAMA_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("TRAMA_EMAIL_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("TRAMA_FROM_EMAIL", "Trama <noreply@trama.invalid>")

# --- Internationalisation --------------------------------------------------------------------------------
LANGUAGE_CODE = "it"
# Every language the public portal speaks; staff pages offer only STAFF_LANGUAGES (their catalogue is it/en).
LANGUAGES = [
    ("it", "Italiano"), ("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية"),
    ("uk", "Українська"), ("zh-hans", "中文（简体）"),
]
STAFF_LANGUAGES = ("it", "en")
LOCALE_PATHS = [BASE_DIR / "trama" / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages copied from node_modules by `make assets` (vendor/…).
STATICFILES_DIRS = [BASE_DIR / "trama" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outside production, WhiteNoise serves straight from the app and vendor folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Map tiles: an empty URL draws the map on a plain background (tests, offline demo).
TRAMA_TILES_URL = env_str("TRAMA_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TRAMA_TILES_ATTRIBUTION = env_str(
    "TRAMA_TILES_ATTRIBUTION", "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
)
if TRAMA_TILES_URL and not TRAMA_TILES_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("TRAMA_TILES_URL must be an http(s) URL template or empty.")

# Noto Sans TTF files for PDF documents (trama/core/pdf.py), copied from npm by `make assets`.
TRAMA_PDF_FONTS_DIR = env_str("TRAMA_PDF_FONTS_DIR", str(BASE_DIR / "trama" / "static" / "vendor" / "fonts"))

# --- Social records: encryption at rest of special-category fields (docs/adr/0002-field-encryption.md) -------
# "id:base64key[,id:base64key…]": the first key encrypts, all of them decrypt (rotation: put the new key first,
# run `manage.py records_reencrypt`, then remove the old one). Generate a key with
# python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"
_DEV_RECORDS_KEYS = "dev-only-not-secret:dHJhbWEtZGV2LXJlY29yZHMta2V5LU5PVC1TRUNSRVQ="  # noqa: S105 - dev profile
TRAMA_RECORDS_KEYS = env_str("TRAMA_RECORDS_KEYS")
if not TRAMA_RECORDS_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("TRAMA_RECORDS_KEYS is required with TRAMA_PROFILE=production.")
    TRAMA_RECORDS_KEYS = _DEV_RECORDS_KEYS
try:
    _records_key_ring = parse_key_ring(TRAMA_RECORDS_KEYS)
except KeyRingError as _error:
    raise ImproperlyConfigured(f"TRAMA_RECORDS_KEYS: {_error}") from None
if PRODUCTION and "dev-only-not-secret" in _records_key_ring.ids:
    raise ImproperlyConfigured("TRAMA_RECORDS_KEYS must not contain the development key in production.")
# Years a closed household's record is kept before anonymisation (printed in the information notice).
TRAMA_RECORDS_RETENTION_YEARS = env_int("TRAMA_RECORDS_RETENTION_YEARS", 10, minimum=1, maximum=150)

# --- Referrals (trama/referrals): a sent referral unanswered for EXPIRY days expires (`manage.py referrals_expire`,
# run daily by cron); the receiving organisation is reminded REMINDER days before (0: no reminder).
TRAMA_REFERRAL_EXPIRY_DAYS = env_int("TRAMA_REFERRAL_EXPIRY_DAYS", 14, minimum=1)
TRAMA_REFERRAL_REMINDER_DAYS = env_int("TRAMA_REFERRAL_REMINDER_DAYS", 3, minimum=0)
if TRAMA_REFERRAL_REMINDER_DAYS >= TRAMA_REFERRAL_EXPIRY_DAYS:
    raise ImproperlyConfigured("TRAMA_REFERRAL_REMINDER_DAYS must be less than TRAMA_REFERRAL_EXPIRY_DAYS.")

# --- Security --------------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


def _tiles_origin(url: str) -> str:
    """The origin map tiles come from, for the policy below: a leading "{s}." subdomain placeholder becomes "*.",
    the only wildcard a policy allows. Anything else that is not a plain host[:port] is refused at start-up."""
    if not url:
        return ""
    scheme, _, rest = url.partition("://")
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if not re.fullmatch(r"(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?", host):
        raise ImproperlyConfigured("TRAMA_TILES_URL must name a plain host (a leading {s}. subdomain is allowed).")
    return f"{scheme}://{host}"


# Content-Security-Policy (trama/core/middleware.py): scripts only from our own static files, so an injected
# <script> or on* attribute does not run; pages declare behaviour with data attributes (core/trama.js). Styles
# allow inline ones: Leaflet and Bootstrap Italia set them, and style attributes cannot run code.
TRAMA_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", *filter(None, [_tiles_origin(TRAMA_TILES_URL)])],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("TRAMA_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("TRAMA_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TRAMA_LOG_LEVEL", "WARNING")},
}
