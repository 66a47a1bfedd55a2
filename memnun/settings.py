"""memnun settings: everything an operator changes comes from the environment.

SQLite is the embedded default so that a clone runs with `make run`; production
sets DATABASE_URL to PostgreSQL. DEBUG is off unless asked for.
"""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from memnun.env import (
    data_dir,
    env_bool,
    env_header,
    env_int,
    env_list,
    env_str,
    settings_file,
    settings_file_load,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

# The installation's settings file (written by `memnun init`, which `make run` calls), so
# that the server, the worker and the operator's commands share one configuration. The
# test suite never reads it: a developer's demo installation must not change the tests.
if not env_bool("MEMNUN_TESTING", False):
    settings_file_load(path=settings_file())

DEBUG = env_bool("DEBUG", False)
DEMO = env_bool("MEMNUN_DEMO", False)
TESTING = env_bool("MEMNUN_TESTING", False)

_secret = env_str("SECRET_KEY", "")
if not _secret:
    if not (DEBUG or DEMO or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production, in the environment or in"
            f" {settings_file()} (`memnun init` writes one; `memnun init --demo` to try memnun)."
        )
    _secret = "memnun-insecure-development-key-not-for-production"  # noqa: S105
SECRET_KEY = _secret
# Tracking codes are stored as keyed hashes; a separate key lets SECRET_KEY rotate.
TRACKING_CODE_KEY = env_str("MEMNUN_TRACKING_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if (DEBUG or DEMO or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
PUBLIC_URL = env_str("MEMNUN_PUBLIC_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's widget templates, found through TEMPLATES (FORM_RENDERER below).
    "django.forms",
    "django_htmx",
    # Serves the API docs' Swagger UI from its own static files (no CDN, no inline script).
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "memnun.jobs",
    "memnun.accounts",
    "memnun.governance",
    "memnun.audit",
    "memnun.ratelimit",
    "memnun.servicelevels",
    "memnun.organisation",
    "memnun.feedback",
    "memnun.api",
    "memnun.portal",
    "memnun.desk",
    "memnun.notifications",
    "memnun.mailin",
    "memnun.dataprotection",
    "memnun.webhooks",
    # Development tools (the benchmark fill); its command refuses to run outside DEBUG/demo.
    "memnun.devtools",
]

MIDDLEWARE = [
    # Outermost: every response carries the security headers, also the answers made
    # before the middlewares below that set them ran (the API guard's refusals).
    "memnun.security_headers.SecurityHeadersMiddleware",
    # Next: times every request, including what the other middleware answer alone.
    "memnun.health.middleware.RequestMetricsMiddleware",
    "memnun.api.middleware.ApiRequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body: an upload too large is refused unread.
    "memnun.webforms.UploadGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in session idle too long, or older than its maximum age, is signed out.
    "memnun.accounts.sessions.SessionExpiryMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After the password, the one-time code (or enrolment, for roles that need it) comes
    # before the desk and the admin.
    "memnun.desk.two_factor_gate.TwoFactorGateMiddleware",
    # After login, a published policy version not yet acknowledged comes before the desk.
    "memnun.desk.policy_gate.PolicyAcknowledgementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "memnun.urls"
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "desk:login"
WSGI_APPLICATION = "memnun.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "memnun" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so memnun/templates may override a widget template
# (the select: its options written inline, not one include each).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"


def _database(url: str) -> dict[str, object]:
    db: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    engine = db["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        # The worker writes while web processes read: WAL, a busy timeout, and
        # IMMEDIATE transactions so that writers queue instead of failing; queued in the
        # kernel, in turn, by memnun's own backend (memnun/sqlitewriters), for at most
        # the same timeout.
        db["ENGINE"] = "memnun.sqlitewriters"
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON;",
        }
        # Tests use a file too: concurrency behaves as in production, not as in-memory.
        db["TEST"] = {"NAME": str(DATA_DIR / "test-memnun.sqlite3")}
        # Each process keeps its connection between requests and between the job
        # worker's tasks (up to 10 minutes): opening one runs the pragmas above, and
        # closing the last one checkpoints the log and removes it; per request that was
        # about 4 of an API intake's 15.5 ms of CPU in process (issue 14,
        # `bench.api_intake_profile`). An idle connection holds no transaction, so it
        # blocks neither writers nor checkpoints (SQLite checkpoints the log as it grows);
        # one an error left unusable is closed at the request's end all the same. A
        # restore replaces the file only with the server and the worker stopped.
        db["CONN_MAX_AGE"] = 600
    elif engine == "django.db.backends.postgresql":
        db["CONN_MAX_AGE"] = 0
        # After a database restart the pooled (or kept) connections are dead: check each
        # one as it is taken, so that the first request afterwards gets a fresh connection
        # instead of an error (the pool's `check`; without a pool, Django's own check).
        db["CONN_HEALTH_CHECKS"] = True
        # Parameters sent apart from the statement (server-side binding) and the statements
        # a connection runs again and again prepared once (psycopg's default threshold):
        # PostgreSQL then plans intake's dozen statements once per connection instead of
        # once per request, and psycopg quotes nothing in Python. Measured over HTTP (c=8,
        # four web workers): 191-200 intakes/s before, 228-234 after (issue 14,
        # BENCHMARKS.md). Named prepared statements need a session per connection, or
        # PgBouncer 1.21+ with `max_prepared_statements`: MEMNUN_DB_PREPARED=0 turns them
        # off (docs/deploy.md).
        options: dict[str, object] = {
            "server_side_binding": True,
            "prepare_threshold": 5 if env_bool("MEMNUN_DB_PREPARED", True) else None,
        }
        db["OPTIONS"] = options
        # psycopg's pool in every process; tests open and drop throwaway databases, where
        # connections parked in a pool by server threads would block the drop.
        if not TESTING:
            options["pool"] = {
                "min_size": 1,
                "max_size": env_int("MEMNUN_DB_POOL", 8, minimum=1),
                # How long a request waits for a connection while the database is
                # unreachable before it is answered 503 (memnun.unavailable), not 30 s.
                "timeout": env_int("MEMNUN_DB_POOL_TIMEOUT", 10, minimum=1),
            }
    else:
        raise ImproperlyConfigured(f"DATABASE_URL must be SQLite or PostgreSQL, not {engine}")
    return db


def _databases() -> dict[str, dict[str, object]]:
    url = env_str("DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'memnun.sqlite3'}"
    databases = {"default": _database(url)}
    replica_url = env_str("DATABASE_REPLICA_URL", "")
    if replica_url:
        # A streaming replica for the reports' reads (memnun.dbrouting, docs/deploy.md);
        # tests read it as the default database.
        replica = _database(replica_url)
        replica["TEST"] = {"MIRROR": "default"}
        databases["replica"] = replica
    return databases


DATABASES = _databases()
DATABASE_ROUTERS = ["memnun.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing speed is not under test; Argon2 stays the production hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 2.1.1: at least 12 characters (docs/security.md).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Staff two-factor (docs/security.md, "Staff two-factor"). These roles (or everyone) must
# enrol a TOTP app and give its code after the password, at the desk, the admin and for an
# API token. Whoever has enrolled gives the code anyway.
MEMNUN_TWO_FACTOR_ROLES = env_list(
    "MEMNUN_TWO_FACTOR_ROLES", ["quality", "admin", "auditor", "management", "privacy"]
)
MEMNUN_TWO_FACTOR_EVERYONE = env_bool("MEMNUN_TWO_FACTOR_EVERYONE", False)
# The demo configuration (and the test suite, whose staff are the demo's users) lets the
# users who have not enrolled sign in without a code; never a production installation.
MEMNUN_TWO_FACTOR_WAIVED = DEMO or TESTING
OTP_TOTP_ISSUER = "memnun"
# Signed-in sessions end after this long without a request, and this long after sign-in.
MEMNUN_SESSION_IDLE_MINUTES = env_int("MEMNUN_SESSION_IDLE_MINUTES", 30, minimum=1)
MEMNUN_SESSION_MAX_HOURS = env_int("MEMNUN_SESSION_MAX_HOURS", 10, minimum=1)
SESSION_COOKIE_AGE = MEMNUN_SESSION_MAX_HOURS * 3600

# Repeated failed logins lock the username from that address for a while.
AXES_FAILURE_LIMIT = env_int("MEMNUN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_LOCKOUT_CALLABLE = "memnun.accounts.lockout.lockout_response"

LANGUAGE_CODE = "tr"
LANGUAGES = [("tr", _("Turkish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "memnun" / "locale"]
TIME_ZONE = "Europe/Istanbul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "private"  # attachments: never served directly
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole-request limit for the API (JSON with base64 attachments).
API_MAX_BODY_BYTES = env_int("MEMNUN_API_MAX_BODY_BYTES", 12 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
ATTACHMENT_MAX_BYTES = env_int("MEMNUN_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
ATTACHMENT_MAX_COUNT = 5
# Larger pictures are refused before they are decoded (a decompression bomb).
ATTACHMENT_MAX_PIXELS = env_int("MEMNUN_ATTACHMENT_MAX_PIXELS", 40_000_000, minimum=1_000_000)
# Uploads through the web pages (feedback/attachments.py; webforms.UploadGuardMiddleware):
# a multipart request larger than every file at its limit plus the form's fields is refused
# (413) from its Content-Length before anything reads it; files over 1 MB are streamed to
# temporary files while parsed, never held in memory; more files than a form takes: 413.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = ATTACHMENT_MAX_COUNT

API_TOKEN_HOURS = env_int("MEMNUN_API_TOKEN_HOURS", 12, minimum=1)
WEB_INTAKE_PER_MINUTE = env_int("MEMNUN_WEB_INTAKE_PER_MINUTE", 30, minimum=1)
TRACKING_LINK_DAYS = env_int("MEMNUN_TRACKING_LINK_DAYS", 60, minimum=1)
TRACK_MISSES_PER_HOUR = env_int("MEMNUN_TRACK_MISSES_PER_HOUR", 10, minimum=1)
# A reference that drew that many misses from anywhere is still open to clients with fewer
# misses of their own than this (feedback/tracking_access.py): guessers slowed, owner not
# locked out.
TRACK_GOOD_STANDING_MISSES = env_int("MEMNUN_TRACK_GOOD_STANDING_MISSES", 3, minimum=1)
MEMNUN_DEFAULT_OFFICE = env_str("MEMNUN_DEFAULT_OFFICE", "istanbul")
# The data controller named in the privacy notice (KVKK Art. 10): who decides on the customers'
# personal data, and where they write. The notice's versions are records (feedback/
# privacy_models.py); a changed controller calls for a new version of the notice.
MEMNUN_CONTROLLER_NAME = env_str("MEMNUN_CONTROLLER_NAME", "Memnun Teknik Servis A.Ş.")
MEMNUN_CONTROLLER_ADDRESS = env_str(
    "MEMNUN_CONTROLLER_ADDRESS",
    "Bağlarbaşı Mahallesi, Atatürk Caddesi No:134, Maltepe, 34848 İstanbul",
)
MEMNUN_CONTROLLER_EMAIL = env_str("MEMNUN_CONTROLLER_EMAIL", "kvkk@memnun.example")
# Who carries our e-mail and SMS: named in the notice and in each case's disclosure log
# (messages handed to them are disclosures to processors, KVKK Art. 8 and 11(1)(ç)).
MEMNUN_EMAIL_PROVIDER = env_str("MEMNUN_EMAIL_PROVIDER", "e-mail provider")
MEMNUN_SMS_PROVIDER = env_str("MEMNUN_SMS_PROVIDER", "SMS provider")
# A question to the customer left unanswered this many business days (office calendar)
# brings one reminder. Clocks pause while a question is open, not by status.
MEMNUN_QUESTION_REMINDER_DAYS = env_int("MEMNUN_QUESTION_REMINDER_DAYS", 3, minimum=1)
# The destruction job (K9) runs every this many days: at most 183 (every six months), a
# system check says so (dataprotection/checks.py).
MEMNUN_DESTRUCTION_EVERY_DAYS = env_int("MEMNUN_DESTRUCTION_EVERY_DAYS", 30, minimum=1)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}
# Job workers (memnun.jobs) write a heartbeat row every MEMNUN_WORKER_HEARTBEAT_SECONDS
# from a thread; a worker silent for MEMNUN_WORKER_STALE_SECONDS is presumed dead and its
# running tasks and claimed messages go to another worker (docs/operations.md).
MEMNUN_WORKER_HEARTBEAT_SECONDS = env_int("MEMNUN_WORKER_HEARTBEAT_SECONDS", 3, minimum=1)
MEMNUN_WORKER_STALE_SECONDS = env_int("MEMNUN_WORKER_STALE_SECONDS", 15, minimum=3)
if MEMNUN_WORKER_STALE_SECONDS < 3 * MEMNUN_WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "MEMNUN_WORKER_STALE_SECONDS must be at least three MEMNUN_WORKER_HEARTBEAT_SECONDS"
    )

EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "memnun <noreply@memnun.local>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)

# Outbound messages (memnun.notifications). Replies go to MEMNUN_REPLY_TO, plus-addressed
# with the reference (feedback+26-000042-7@…) when set; otherwise to DEFAULT_FROM_EMAIL.
MEMNUN_REPLY_TO = env_str("MEMNUN_REPLY_TO", "")
MEMNUN_OUTBOX_MAX_ATTEMPTS = env_int("MEMNUN_OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
MEMNUN_OUTBOX_BACKOFF_SECONDS = env_int("MEMNUN_OUTBOX_BACKOFF_SECONDS", 30, minimum=1)
MEMNUN_OUTBOX_BACKOFF_MAX_SECONDS = env_int("MEMNUN_OUTBOX_BACKOFF_MAX_SECONDS", 3600, minimum=1)
# A claimed message not marked within this time is presumed lost with its worker.
MEMNUN_OUTBOX_LEASE_SECONDS = env_int("MEMNUN_OUTBOX_LEASE_SECONDS", 300, minimum=1)
MEMNUN_OUTBOX_BATCH = env_int("MEMNUN_OUTBOX_BATCH", 20, minimum=1)
# SMS through a provider's HTTP API; without a URL, SMS go to the log (development).
MEMNUN_SMS_URL = env_str("MEMNUN_SMS_URL", "")
MEMNUN_SMS_TOKEN = env_str("MEMNUN_SMS_TOKEN", "")
MEMNUN_SMS_SENDER = env_str("MEMNUN_SMS_SENDER", "MEMNUN")
MEMNUN_SMS_TIMEOUT = env_int("MEMNUN_SMS_TIMEOUT", 10, minimum=1)
# Webhooks (memnun.webhooks, docs/webhooks.md): a subscription is disabled after this many
# failed deliveries in a row, and each POST waits this long for an answer.
MEMNUN_WEBHOOK_FAILURE_LIMIT = env_int("MEMNUN_WEBHOOK_FAILURE_LIMIT", 10, minimum=1)
MEMNUN_WEBHOOK_TIMEOUT = env_int("MEMNUN_WEBHOOK_TIMEOUT", 10, minimum=1)
# Where people ask about their personal data (the KVKK contact point), named in breach
# notices; our sending address when empty.
MEMNUN_PRIVACY_CONTACT = env_str("MEMNUN_PRIVACY_CONTACT", "")
# A customer who has not answered a resolution is reminded every N days, at most M times.
MEMNUN_RESOLUTION_REMINDER_DAYS = env_int("MEMNUN_RESOLUTION_REMINDER_DAYS", 5, minimum=1)
MEMNUN_RESOLUTION_REMINDERS = env_int("MEMNUN_RESOLUTION_REMINDERS", 2, minimum=0)

# Inbound e-mail (memnun.mailin): an IMAP mailbox polled by the worker, or `mailgate`.
MEMNUN_IMAP_HOST = env_str("MEMNUN_IMAP_HOST", "")
MEMNUN_IMAP_TLS = env_bool("MEMNUN_IMAP_TLS", True)
MEMNUN_IMAP_PORT = env_int("MEMNUN_IMAP_PORT", 993 if MEMNUN_IMAP_TLS else 143, minimum=1)
MEMNUN_IMAP_USER = env_str("MEMNUN_IMAP_USER", "")
MEMNUN_IMAP_PASSWORD = env_str("MEMNUN_IMAP_PASSWORD", "")
MEMNUN_IMAP_FOLDER = env_str("MEMNUN_IMAP_FOLDER", "INBOX")
MEMNUN_IMAP_CA_FILE = env_str("MEMNUN_IMAP_CA_FILE", "")  # a private CA for the TLS server
MEMNUN_IMAP_POLL_SECONDS = env_int("MEMNUN_IMAP_POLL_SECONDS", 60, minimum=5)

# Security headers (every response: memnun/security_headers.py). Production is served over
# HTTPS (MEMNUN_HTTPS, on unless demo/debug/tests: `make run` serves plain HTTP on loopback):
# HSTS, secure cookies, and plain-HTTP requests redirected to HTTPS. Behind a proxy that
# ends TLS, the request came over HTTPS when the proxy says so in MEMNUN_PROXY_SSL_HEADER
# (trust it only where clients cannot reach the server but through the proxy).
SECURE_HTTPS = env_bool("MEMNUN_HTTPS", not (DEBUG or DEMO or TESTING))
SECURE_SSL_REDIRECT = SECURE_HTTPS
# Load balancers probe the process over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = (
    env_header("MEMNUN_PROXY_SSL_HEADER", "X-Forwarded-Proto: https") if SECURE_HTTPS else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Probes and the metrics scrape answer over plain HTTP too when HTTPS is enforced
# (load balancers and Prometheus often reach the web server directly).
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("MEMNUN_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Case work. A closed case may be reopened within this many calendar days of closure;
# later, the customer's return is recorded as new feedback linked to the old one.
MEMNUN_REOPEN_DAYS = env_int("MEMNUN_REOPEN_DAYS", 30, minimum=0)
# Repeat detection: other feedback received within this many days of a case and sharing
# its IMEI, phone, e-mail or repair order is shown as a repeat of it.
MEMNUN_REPEAT_WINDOW_DAYS = env_int("MEMNUN_REPEAT_WINDOW_DAYS", 90, minimum=0)
# Exports (desk: reports and case lists as CSV/XLSX). Up to this many rows are written in
# the request; more become a background job whose file is kept this many hours.
MEMNUN_EXPORT_SYNC_MAX_ROWS = env_int("MEMNUN_EXPORT_SYNC_MAX_ROWS", 5_000, minimum=0)
MEMNUN_EXPORT_KEEP_HOURS = env_int("MEMNUN_EXPORT_KEEP_HOURS", 24, minimum=1)
# Surges (selectors/reports/surges.py): a category × office's complaints of a week are a
# surge from this many, when above the mean of this many weeks before plus two deviations.
MEMNUN_SURGE_MIN_CASES = env_int("MEMNUN_SURGE_MIN_CASES", 5, minimum=0)
MEMNUN_SURGE_HISTORY_WEEKS = env_int("MEMNUN_SURGE_HISTORY_WEEKS", 8, minimum=0)
# The round robin skips handlers who already hold this many open cases.
MEMNUN_ASSIGN_MAX_OPEN = env_int("MEMNUN_ASSIGN_MAX_OPEN", 25, minimum=1)
# ISO 10002 4.14: a case goes only to someone with a complaints-handling training valid
# on the day of the assignment (governance.TrainingRecord). On unless turned off.
MEMNUN_REQUIRE_TRAINING = env_bool("MEMNUN_REQUIRE_TRAINING", True)
# Compensation a role may grant on its own authority, in whole Turkish lira; above it,
# someone whose limit covers the amount approves. A role not listed has no authority;
# None is no limit.
MEMNUN_COMPENSATION_LIMITS: dict[str, int | None] = {
    "handler": env_int("MEMNUN_COMPENSATION_LIMIT_HANDLER", 2_000, minimum=0),
    "reviewer": env_int("MEMNUN_COMPENSATION_LIMIT_REVIEWER", 10_000, minimum=0),
    "quality": None,
}

# Health and metrics (memnun/health/, docs/operations.md "Health and metrics").
# /readyz fails when the freshest job worker heartbeat is this old, when more messages than
# this wait to go out or lie dead, or when less disk than this is free where the database
# file and the attachments are.
MEMNUN_READY_HEARTBEAT_MAX_SECONDS = env_int("MEMNUN_READY_HEARTBEAT_MAX_SECONDS", 60, minimum=1)
MEMNUN_READY_OUTBOX_BACKLOG_MAX = env_int("MEMNUN_READY_OUTBOX_BACKLOG_MAX", 1000, minimum=0)
MEMNUN_READY_DEAD_LETTERS_MAX = env_int("MEMNUN_READY_DEAD_LETTERS_MAX", 10, minimum=0)
MEMNUN_READY_MIN_FREE_MB = env_int("MEMNUN_READY_MIN_FREE_MB", 512, minimum=0)
# /metrics answers these client addresses or networks (direct connections only), and
# anyone with this bearer token (none by default).
MEMNUN_METRICS_ALLOWED_ADDRESSES = env_list(
    "MEMNUN_METRICS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"]
)
for _network in MEMNUN_METRICS_ALLOWED_ADDRESSES:
    try:
        ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            "MEMNUN_METRICS_ALLOWED_ADDRESSES must list addresses or networks"
            f" (10.0.0.0/8), not {_network!r}"
        ) from None
MEMNUN_METRICS_TOKEN = env_str("MEMNUN_METRICS_TOKEN", "")
# Job failures in /metrics: the attempts that failed within this many seconds.
MEMNUN_METRICS_JOB_FAILURE_WINDOW_SECONDS = env_int(
    "MEMNUN_METRICS_JOB_FAILURE_WINDOW_SECONDS", 3600, minimum=60
)
