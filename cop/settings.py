"""Gilde's one settings module.

Every value comes from the environment through the typed helpers in `cop.env`. When a variable
is unset, Gilde runs on embedded defaults that need no server: SQLite in `var/`, background
tasks in-process, and mail written to a local outbox under `var/mail/` (readable at /dev/mail/
while DEBUG is on). Setting DATABASE_URL moves it to PostgreSQL, REDIS_URL to Redis with real
Celery workers, EMAIL_HOST to a real SMTP server.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from cop.env import env_bool, env_choice, env_int, env_list, env_str, env_timezone, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GILDE_VAR_DIR", str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (50+ random characters).")
    # Only ever used on a developer's machine with DEBUG on.
    SECRET_KEY = "django-insecure-gilde-development-key-never-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "cop.apps.GildeAdminConfig",  # django.contrib.admin with the audited site (cop/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "django_htmx",
    "cop",
    "members",
    "meetings",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the way out (static files come pre-compressed from WhiteNoise). Django's
    # GZipMiddleware pads its output at random against BREACH-style length guessing.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cop.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cop.middleware.HtmxLoginRedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# `make bench`: a Server-Timing header on every response and the "hello" floor view at
# /bench/hello/. Never in production: timings tell an attacker what a page does.
BENCHMARK = env_bool("BENCHMARK", False)
if BENCHMARK:
    MIDDLEWARE.insert(0, "cop.middleware.ServerTimingMiddleware")

ROOT_URLCONF = "cop.urls"
WSGI_APPLICATION = "cop.wsgi.application"
ASGI_APPLICATION = "cop.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "cop.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# The hottest queries as prepared statements of each connection (cop.compiled). Off behind a
# pooler that hands a session's statements to other clients (PgBouncer in transaction mode).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    # Persistent connections with a health check: one connection per gunicorn worker thread,
    # reused across requests, replaced when PostgreSQL restarts.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compiles the dashboard's grouped queries, whose cost estimates look
        # large, and spends more time compiling (about 17 ms a query, measured) than it saves.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "gilde.sqlite3",
            # WAL lets the web process and the in-process scheduler read and write side by side.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cop.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # An unreachable Redis is a miss within a second (cop.cache.cache_or), never a hung page.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database and are read through the cache (cop.sessions): one query less on
# every signed-in page. A cached session is kept at most this long (a logout that could not reach
# Redis is honoured within it).
SESSION_ENGINE = "cop.sessions"
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 3600, minimum=1)

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Embedded mode: no broker, so tasks run in the process that queues them.
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # outcomes live in database rows, not in a result backend
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=1)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "gilde")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when Redis is unreachable: producers then leave the outbox row for the sweeper.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "cop.heartbeat", "schedule": 60.0},
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 30.0},
    "members-daily": {"task": "members.daily", "schedule": crontab(hour=3, minute=15)},
    "meetings-reminders": {"task": "meetings.reminders", "schedule": 300.0},
    "meetings-series": {"task": "meetings.series", "schedule": crontab(hour=2, minute=30)},
    "feedback-open": {"task": "feedback.open_surveys", "schedule": 300.0},
    "feedback-reminders": {"task": "feedback.reminders", "schedule": 900.0},
    # In TIME_ZONE (CELERY_TIMEZONE): Monday 07:00. A second run that week sends nothing twice.
    "digest-weekly": {"task": "digest.weekly", "schedule": crontab(hour=7, minute=0, day_of_week=1)},
}

# --- Notifications (the outbox) ---------------------------------------------------------------
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
# Backoff after the n-th failure: base · 2^(n-1) seconds, at most the cap: 30 s … 32 min, so a mail
# server that is down for an hour still gets every message.
NOTIFICATION_BACKOFF_SECONDS = env_int("NOTIFICATION_BACKOFF_SECONDS", 30, minimum=1)
NOTIFICATION_BACKOFF_MAX_SECONDS = env_int("NOTIFICATION_BACKOFF_MAX_SECONDS", 3600, minimum=1)
# A row in "sending" longer than this lost its worker. It must exceed the task time limit: a
# sweeper taking back a row that a live worker is still sending would send it twice.
NOTIFICATION_SENDING_TIMEOUT = env_int("NOTIFICATION_SENDING_TIMEOUT", 600, minimum=1)
if NOTIFICATION_SENDING_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("NOTIFICATION_SENDING_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
# The sweeper leaves rows younger than this to the task queued when they were written (a busy
# queue may take a while to reach them; re-queueing them early only adds load).
NOTIFICATION_SWEEP_GRACE = env_int("NOTIFICATION_SWEEP_GRACE", 120, minimum=0)
CHAT_WEBHOOKS_ENABLED = env_bool("CHAT_WEBHOOKS_ENABLED", False)

# --- Accounts (django-allauth) ----------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
# Django's (for the admin) and allauth's, each reading the signed-in person by a compiled query.
AUTHENTICATION_BACKENDS = [
    "members.backends.ModelBackend",
    "members.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14, minimum=1)
# Members who did not decline get a reminder this many hours before a meeting.
MEETING_REMINDER_HOURS = env_int("MEETING_REMINDER_HOURS", 24, minimum=1)
# A post-meeting survey stays open this many days.
SURVEY_OPEN_DAYS = env_int("SURVEY_OPEN_DAYS", 7, minimum=1)
# ...and opens this long after the meeting ended, so attendance ticked at its close counts.
SURVEY_OPEN_AFTER_MINUTES = env_int("SURVEY_OPEN_AFTER_MINUTES", 30)
# Those who have not answered are reminded this many days after the invitation (at most twice).
SURVEY_REMINDER_DAYS = tuple(int(day) for day in env_list("SURVEY_REMINDER_DAYS", ["2", "5"]))[:2]
# Results and breakdowns stay hidden, for everyone, until this many people answered.
SURVEY_ANONYMITY_THRESHOLD = env_int("SURVEY_ANONYMITY_THRESHOLD", 3, minimum=1)

# --- The health check (cop/checklist.py; documented in the README) ----------------------------
HEALTH_DOMAIN_DAYS = env_int("HEALTH_DOMAIN_DAYS", 365, minimum=1)  # domain revisited within
HEALTH_MIN_MEMBERS = env_int("HEALTH_MIN_MEMBERS", 4, minimum=1)  # fewer current members: red
HEALTH_TAKING_PART_AMBER = env_int("HEALTH_TAKING_PART_AMBER", 40)  # % at participant or higher
HEALTH_TAKING_PART_RED = env_int("HEALTH_TAKING_PART_RED", 20)
HEALTH_PLANNED_DAYS = env_int("HEALTH_PLANNED_DAYS", 45, minimum=1)  # a meeting planned within
HEALTH_ATTENDANCE_AMBER = env_int("HEALTH_ATTENDANCE_AMBER", 60)  # % of "going" who came
HEALTH_RECENT_MEETINGS = env_int("HEALTH_RECENT_MEETINGS", 3, minimum=1)  # attendance, response
HEALTH_RESPONSE_AMBER = env_int("HEALTH_RESPONSE_AMBER", 50)  # survey response rate %
HEALTH_RESPONSE_RED = env_int("HEALTH_RESPONSE_RED", 25)
HEALTH_TOPIC_WAIT_DAYS = env_int("HEALTH_TOPIC_WAIT_DAYS", 60, minimum=1)
HEALTH_TOPICS_WAITING = env_int("HEALTH_TOPICS_WAITING", 3, minimum=1)  # that many waiting: amber
HEALTH_SUCCESS_DAYS = env_int("HEALTH_SUCCESS_DAYS", 90, minimum=1)  # a success shared within
# The dashboard's figures are kept this long per view (communities, period, language); 0: never.
# The agenda's rendered lists, per person (meetings.agenda): renewed on every change anyway.
AGENDA_CACHE_SECONDS = env_int("AGENDA_CACHE_SECONDS", 600, minimum=0)
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 300, minimum=0)
if DASHBOARD_CACHE_SECONDS:
    # The organisation-wide figures are renewed before they expire, so a manager never waits for them.
    CELERY_BEAT_SCHEDULE["dashboard-warm"] = {
        "task": "dashboard.warm",
        "schedule": float(max(DASHBOARD_CACHE_SECONDS - 60, 30)),
    }
# Recurring series generate their meetings this many days ahead.
SERIES_HORIZON_DAYS = env_int("SERIES_HORIZON_DAYS", 90, minimum=7)
# Alumni (interns whose internship ended) are erased this many days later; 0 keeps them.
ALUMNI_RETENTION_DAYS = env_int("ALUMNI_RETENTION_DAYS", 730, minimum=0)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# allauth's rate limits count per client address. Behind proxies we run (compose's nginx: 1; a TLS
# proxy in front of it: 2), the client is found in X-Forwarded-For, that many hops back; with 0
# (no proxy) the header is ignored, as anyone could send it. Wrong, every visitor would share the
# proxy's address and one person could lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Unknown personal links (survey, invitation) one address may open before it waits (cop.ratelimit).
LINK_MISSES_ALLOWED = env_int("LINK_MISSES_ALLOWED", 20, minimum=1)
LINK_MISSES_SECONDS = env_int("LINK_MISSES_SECONDS", 15 * 60, minimum=1)
# allauth counts attempts in the cache per address (ip), per e-mail address (key) or per signed-in
# person (user). Written out, not left to allauth's defaults, so that the README's table is what
# runs; a login code itself allows 3 tries (ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS) and lasts 3 minutes.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/180s/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# The same answer whether an address has an account or not: login, login codes and password
# reset never tell a visitor who is a member.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Gilde: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

# Single sign-on, off unless configured: Microsoft (Entra ID) and Google through allauth. Only people
# with an account or an open invitation get in (members.adapters.SocialAccountAdapter).
SOCIALACCOUNT_ADAPTER = "members.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # an SSO login with a known address logs into that account
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
sso_hosts: list[str] = []
if microsoft_client := env_str("SSO_MICROSOFT_CLIENT_ID"):
    INSTALLED_APPS.append("allauth.socialaccount.providers.microsoft")
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": microsoft_client,
                "secret": env_str("SSO_MICROSOFT_CLIENT_SECRET", ""),
                "settings": {"tenant": env_str("SSO_MICROSOFT_TENANT", "organizations")},
            }
        ]
    }
    sso_hosts.append("https://login.microsoftonline.com")
if google_client := env_str("SSO_GOOGLE_CLIENT_ID"):
    INSTALLED_APPS.append("allauth.socialaccount.providers.google")
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": google_client, "secret": env_str("SSO_GOOGLE_CLIENT_SECRET", "")}],
        "SCOPE": ["profile", "email"],
    }
    sso_hosts.append("https://accounts.google.com")

# --- E-mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Gilde <gilde@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Lower-case names: Django 6.1 reads mail settings from MAILERS only; the EMAIL_* variables
# of the environment are mapped onto it here.
email_host = env_str("EMAIL_HOST")
if email_host:
    email_port = env_int("EMAIL_PORT", 587, minimum=1)
    email_use_tls = env_bool("EMAIL_USE_TLS", email_port == 587)
    email_use_ssl = env_bool("EMAIL_USE_SSL", email_port == 465)
    if email_use_tls and email_use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host,
                "port": email_port,
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": email_use_tls,
                "use_ssl": email_use_ssl,
                "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "cop.devmail.LocalOutboxBackend"}}
DEVMAIL_DIR = VAR_DIR / "mail"

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "nl", choices=("nl", "en"))
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Amsterdam")
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# In development and tests files come from STATICFILES_DIRS (no collectstatic has run).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, pre-compressed files in production (collectstatic at build time); plain files in
    # development and tests, where no collectstatic has run.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "cop.storage.StaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: htmx gets the token from <body hx-headers>.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # Browsers apply form-action to the redirect after a form, so SSO providers must be listed.
    "form-action": [CSP.SELF, *sso_hosts],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    # Only behind a proxy that sets X-Forwarded-Proto itself; otherwise any client could claim https.
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CSP["upgrade-insecure-requests"] = True

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    },
}
