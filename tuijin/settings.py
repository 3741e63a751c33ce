"""Tuijin settings: one complete file, driven by the environment.

Every variable is read through :func:`tuijin.lib.config.env`, which registers it for the
generated configuration reference (docs/admin/configuration.md) and fails loudly on bad values.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tuijin.lib.config import env

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
_testing_env = env("TUIJIN_TESTING", "false", kind="bool", help="Run with test settings (fast hashing, no lockout). Set by the test runner.")
TESTING = "pytest" in sys.modules or _testing_env

DATA_DIR = Path(
    env(
        "TUIJIN_DATA_DIR",
        str(Path.home() / ".local" / "share" / "tuijin"),
        help="Directory for the embedded SQLite database, uploaded files and the generated secret key. "
        "Kept outside the source tree.",
        shown_default="~/.local/share/tuijin",
    )
).expanduser()

DEBUG = env("TUIJIN_DEBUG", "false", kind="bool", help="Show detailed error pages. Never in production.")


def _secret_key() -> str:
    key = env("TUIJIN_SECRET_KEY", None, help="Django secret key. Required with DATABASE_URL set (production).")
    if key:
        return key
    if TESTING:
        return "tuijin-tests-only"
    if DATABASE_URL_SET and not _db["ENGINE"].endswith("sqlite3"):
        raise ImproperlyConfigured(
            "TUIJIN_SECRET_KEY is not set. A production server (DATABASE_URL given) needs a secret key: "
            "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    # Embedded mode: keep a generated key in the data directory so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


_database_url = env(
    "DATABASE_URL",
    None,
    help="Database, e.g. postgres://user:pass@host:5432/tuijin. Default: SQLite in TUIJIN_DATA_DIR.",
)
DATABASE_URL_SET = bool(_database_url)

if _database_url:
    if not _database_url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            f"DATABASE_URL={_database_url!r}: expected postgres://user:password@host:port/name or sqlite:///path."
        )
    try:
        # Connections are kept for a minute and checked before reuse at the start of each request,
        # so a database restarted in between costs a reconnect, not a failed page.
        _db = dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "tuijin.sqlite3")}
if _db["ENGINE"].endswith("sqlite3"):
    _db.setdefault("OPTIONS", {})
    # WAL and a busy timeout let the web process and a command share the file.
    _db["OPTIONS"].update({"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"})
    _db["TEST"] = {"NAME": None}
DATABASES = {"default": _db}
SECRET_KEY = _secret_key()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
#: Backups serialise times to the microsecond (Django's JSON stops at the millisecond).
SERIALIZATION_MODULES = {"json-exact": "tuijin.core.serialization"}

ALLOWED_HOSTS = env(
    "TUIJIN_ALLOWED_HOSTS", "127.0.0.1,localhost", kind="list", help="Host names the server answers to, comma separated."
)
CSRF_TRUSTED_ORIGINS = env(
    "TUIJIN_CSRF_TRUSTED_ORIGINS", "", kind="list", help="Origins (https://host) allowed to POST behind a proxy."
)
if env("TUIJIN_BEHIND_TLS_PROXY", "false", kind="bool", help="Trust X-Forwarded-Proto from nginx and use secure cookies."):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # First-party apps, lower layers first (docs/development/architecture.md).
    "tuijin.core",
    "tuijin.orgs",
    "tuijin.projects",
    "tuijin.ledger",
    "tuijin.reporting",
    "tuijin.consultation",
    "tuijin.breakthroughs",
    "tuijin.race",
    "tuijin.supervision",
    "tuijin.clusters",
    "tuijin.cockpit",
    "tuijin.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above every middleware that reads the database (sessions too): a lost connection ends in a clear 503.
    "tuijin.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tuijin.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "tuijin.orgs.middleware.SecondFactorMiddleware",
    "tuijin.orgs.middleware.PasswordExpiryMiddleware",
]

ROOT_URLCONF = "tuijin.urls"
WSGI_APPLICATION = "tuijin.wsgi.application"

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
                "tuijin.core.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tuijin.orgs.validators.ComplexityValidator"},
]
TUIJIN_PASSWORD_MAX_AGE_DAYS = env(
    "TUIJIN_PASSWORD_MAX_AGE_DAYS", "90", kind="int", help="Days before a password must be changed; 0 = never."
)
if TESTING:
    TUIJIN_PASSWORD_MAX_AGE_DAYS = 0  # tests travel in time; the expiry test turns it on
if TESTING:
    # Hashing is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env("TUIJIN_SESSION_SECONDS", "1800", kind="int", help="Idle session timeout in seconds.")
SESSION_SAVE_EVERY_REQUEST = True
TUIJIN_REQUIRE_TOTP_FOR_OFFICE = env(
    "TUIJIN_REQUIRE_TOTP_FOR_OFFICE",
    "false",
    kind="bool",
    help="Project office accounts must sign in with a one-time code (TOTP) as well as the password; "
    "without a confirmed authenticator they are sent to enrol one.",
)
OTP_TOTP_ISSUER = "Tuijin"
TUIJIN_FIELD_KEY = env(
    "TUIJIN_FIELD_KEY",
    "",
    kind="list",
    help="Fernet keys encrypting phone numbers at rest, comma separated (the first encrypts, all decrypt). "
    "Empty: derived from the secret key. Generate one with "
    "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`.",
)

AXES_FAILURE_LIMIT = env("TUIJIN_LOGIN_FAILURES", "5", kind="int", help="Failed logins before an account is locked.")
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = not TESTING
# Lock the account (等保: lockout per account), whatever address the attempts come from.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages from npm: only the built files listed in tuijin.core.finders are served.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "tuijin.core.finders.NodeModulesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(
    env("TUIJIN_MEDIA_DIR", str(DATA_DIR / "media"), help="Uploaded files (local storage).", shown_default="$TUIJIN_DATA_DIR/media")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

EMAIL_BACKEND = env(
    "TUIJIN_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    help="Django e-mail backend; set to django.core.mail.backends.smtp.EmailBackend with the TUIJIN_EMAIL_* variables.",
)
EMAIL_HOST = env("TUIJIN_EMAIL_HOST", "localhost", help="SMTP host.")
EMAIL_PORT = env("TUIJIN_EMAIL_PORT", "25", kind="int", help="SMTP port.")
DEFAULT_FROM_EMAIL = env("TUIJIN_EMAIL_FROM", "tuijin@localhost", help="Sender of notices.")

PUBLIC_URL = env(
    "TUIJIN_PUBLIC_URL",
    "",
    help="Public address of the installation (scheme and host, e.g. https://xm.example.gov.cn), used in the URIs of "
    "the published OC4IDS package. Empty: the address of the first request for it.",
)

# Background work: Celery with Redis in production; with no broker, tasks run in-process.
CELERY_BROKER_URL = env("TUIJIN_BROKER_URL", "", help="Celery broker, e.g. redis://127.0.0.1:6379/0. Empty: run tasks in-process.")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Give up on an unreachable broker quickly: tuijin.lib.tasks.enqueue then runs the task in-process.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
from tuijin.schedule import BEAT_SCHEDULE as CELERY_BEAT_SCHEDULE  # noqa: E402, F401  (a setting)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tuijin API",
    "DESCRIPTION": "Major investment projects of a county: libraries, lifecycle, reports, problems, warnings.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

AUDITLOG_INCLUDE_ALL_MODELS = False

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content security policy: no inline script, nothing from other sites. Inline style attributes
# remain (templates and the chart library's SVG use them), hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("TUIJIN_LOG_LEVEL", "WARNING", help="Log level of the server.")},
}

TUIJIN_BIND = env("TUIJIN_BIND", "127.0.0.1:8000", help="Address and port `tuijin serve` listens on (behind nginx).")
TUIJIN_WORKERS = env("TUIJIN_WORKERS", "0", kind="int", help="gunicorn worker processes for `tuijin serve`; 0 = 2 × cores + 1.")
TUIJIN_COUNTY_NAME = env("TUIJIN_COUNTY_NAME", "慈溪市", help="Name of the county running this installation.")
TUIJIN_COUNTY_CODE = env("TUIJIN_COUNTY_CODE", "330282", help="6-digit administrative division code of the county.")
