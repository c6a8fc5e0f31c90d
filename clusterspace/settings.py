"""Settings for clusterspace, read from the environment.

One module for every environment: development (``make run``, ``DJANGO_DEBUG=1``),
tests and production (the default: ``DJANGO_DEBUG`` off). Production refuses to start
without a real ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``. Every variable is
listed in ``.env.example``.
"""

import logging
from datetime import timedelta
from email.utils import getaddresses
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from clusterspace.staticfiles import cache_hashed_files_for_a_year

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _read(name, cast, default):
    """Read one variable; a malformed value stops the start with the variable's name."""
    try:
        return cast(name, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as error:
        raise ImproperlyConfigured(f"{name}: invalid value ({error})") from error


def _bool(name, default):
    """A strict yes/no: 1/0, true/false, yes/no, on/off; unset or empty gives ``default``."""
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected 1 or 0 (true/false, yes/no, on/off), got {value!r}")


DEBUG = _read("DJANGO_DEBUG", _bool, False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"


def _secret_key():
    """DJANGO_SECRET_KEY, or the first line of the file DJANGO_SECRET_KEY_FILE names."""
    key = env.str("DJANGO_SECRET_KEY", default="")
    key_file = env.str("DJANGO_SECRET_KEY_FILE", default="")
    if not key and key_file:
        try:
            key = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"DJANGO_SECRET_KEY_FILE: cannot read {key_file} ({error.strerror})."
            ) from error
    return key or (_DEV_SECRET_KEY if DEBUG else "")


SECRET_KEY = _secret_key()
if not DEBUG and (
    not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY: set a random value of at least 40 characters when DJANGO_DEBUG is off "
        "(or name a file holding it in DJANGO_SECRET_KEY_FILE)."
    )

ALLOWED_HOSTS = _read(
    "DJANGO_ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS: name the host names of the site (comma-separated) "
        "when DJANGO_DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = _read("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS: {_origin!r} needs its scheme, e.g. https://{_origin}"
        )

# The apps whose models are the archive's content, written once: the page cache's
# content version rises when they change (pagecache), the editor group gets their
# permissions (editors), backups save them (BACKUP_MODELS).
CONTENT_APPS = ["projects", "people", "reports", "pages"]

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch it. The admin, the accounts and
    # the login throttle with the editors' site and names (editors.sites).
    "modeltranslation",
    "editors.sites.EditorsAdminConfig",
    "editors.sites.AccountsConfig",
    "django.contrib.contenttypes",
    "editors.sites.EditorSessionsConfig",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Django's form templates, for the renderer below.
    "django.forms",
    # Its search lookups (trigram similarity) for search on PostgreSQL; inert on SQLite.
    "django.contrib.postgres",
    "editors.sites.SignInAttemptsConfig",
    "editors.sites.VersionsConfig",
    "solo",
    # In their layering order (docs/architecture.md): the base every app uses, the
    # content apps, the features, the website that composes them, the configuration.
    "core",
    *CONTENT_APPS,
    "pagecache",
    "search",
    "linkchecks",
    "opendata",
    "editors",
    "siteexport",
    "backups",
    "website",
    "clusterspace",
]

MIDDLEWARE = [
    # Before all: the request's id (from nginx's X-Request-ID or new) for the logs, the
    # error mail, the 500 page and the response header gunicorn's access log records.
    "clusterspace.middleware.RequestIdMiddleware",
    # A view failing because the database or the upload storage is away: the page that
    # says so (503, 507), after the page cache's last good copy (clusterspace.middleware).
    "clusterspace.middleware.OutageMiddleware",
    # Then: a cached page or a 304 for an anonymous visitor is answered before anything
    # else runs, with the headers the whole stack gave it (pagecache.middleware).
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "clusterspace.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A 404 at an entry's old slug becomes a permanent redirect to its current address.
    "core.addresses.middleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused by django-axes into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Widgets render through the project's templates, so that templates/ can name what a
# widget of the admin leaves unnamed (templates/admin/widgets/, templates/core/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "clusterspace.urls"
WSGI_APPLICATION = "clusterspace.wsgi.application"

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
                "website.context_processors.site",
            ],
        },
    },
]


def _positive(name, default):
    value = env.int(name, default=default)
    if value < 1:
        raise ValueError(f"expected a whole number above 0, got {value}")
    return value


def _not_negative(name, default):
    value = env.int(name, default=default)
    if value < 0:
        raise ValueError(f"expected a whole number of 0 or more, got {value}")
    return value


def _database():
    """DATABASE_URL: sqlite:///path/to/file.sqlite3 (default: db.sqlite3) or postgres://…"""
    config = _read("DATABASE_URL", env.db_url, f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3" and config.get("NAME"):
        # Keep the connection for a minute: opening one costs more than a cached page.
        config["CONN_MAX_AGE"] = _read("DATABASE_CONN_MAX_AGE", env.int, 60)
        # Several gunicorn workers write to one file: wait for locks instead of failing,
        # take the write lock at the start of a transaction, let readers go on (WAL).
        config.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    elif engine == "django.db.backends.postgresql" and config.get("NAME"):
        config["CONN_MAX_AGE"] = _read("DATABASE_CONN_MAX_AGE", env.int, 60)
        config["CONN_HEALTH_CHECKS"] = True
        # A database that does not answer must not hold a worker: connecting gives up
        # after DATABASE_CONNECT_TIMEOUT seconds, a statement after
        # DATABASE_STATEMENT_TIMEOUT milliseconds (0: no limit; gunicorn.conf.py sets one
        # for the web workers when unset). Either ends in the database's OperationalError:
        # the page's last good copy or the 503 page (docs/deployment.md, "Outages").
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", _read("DATABASE_CONNECT_TIMEOUT", _positive, 5))
        statement_timeout = _read("DATABASE_STATEMENT_TIMEOUT", _not_negative, 0)
        if statement_timeout:
            options["options"] = " ".join(
                filter(None, (options.get("options"), f"-c statement_timeout={statement_timeout}"))
            )
    else:
        raise ImproperlyConfigured(
            "DATABASE_URL: expected sqlite:///path/to/db.sqlite3 or "
            "postgres://user:password@host:port/name with a database name."
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache():
    """CACHE_URL: local memory per process by default; shared by several app servers with
    redis://host:6379/0 (the redis extra: django-redis) or pymemcache://host:11211 (pymemcache).
    """
    config = _read("CACHE_URL", env.cache_url, "locmemcache://clusterspace?max_entries=2000")
    if env.str("CACHE_URL", default="").startswith("pymemcache://"):
        # django-environ maps this scheme to the pylibmc backend; pymemcache's is meant.
        config["BACKEND"] = "django.core.cache.backends.memcached.PyMemcacheCache"
    return config


CACHES = {"default": _cache()}

# The page cache (pagecache.middleware): rendered pages for anonymous visitors, keyed on the
# content version in the database; on by default in production, off with DEBUG on.
PAGE_CACHE = _read("DJANGO_PAGE_CACHE", _bool, not DEBUG)
PAGE_CACHE_ALIAS = "default"
# Days a rendered page is kept: served while the content is unchanged, and as the last
# good copy while the database cannot be read. nginx keeps its copies as long
# (inactive=7d in deploy/nginx/clusterspace.conf): change both together.
PAGE_CACHE_STALE_DAYS = _read("DJANGO_PAGE_CACHE_STALE_DAYS", _positive, 7)
# Seconds the content version is taken from the cache before the database is asked again
# (a change that commits forgets it at once). A cache of each process's own cannot learn
# of another process's change: with local memory the database is asked every time.
PAGE_CACHE_VERSION_SECONDS = _read(
    "DJANGO_PAGE_CACHE_VERSION_SECONDS",
    _not_negative,
    0 if CACHES["default"]["BACKEND"].endswith(".LocMemCache") else 5,
)
# The pages of single entries, keyed on the versions of the entries they show rather than
# on the content version, so that a save renders only the pages it touched again
# (pagecache.entries): which pages, the apps whose models are entries, the fields that
# decide which entries such a page lists or where its pages break, and how many entries a
# page may show before it is keyed on the content version like a list.
PAGE_CACHE_ENTRY_PAGES = {
    "projects:detail",
    "people:detail",
    "projects:organisation",
    "projects:organisation-page",
}
PAGE_CACHE_ENTRY_APPS = ["projects", "people", "reports"]
PAGE_CACHE_LISTING_FIELDS = {
    "projects.project": ["published", "start_year", "start_month"],
    "reports.annualreport": ["published", "year"],
    "reports.interview": ["published"],
}
PAGE_CACHE_MAX_ENTRIES = 400
# What else keys the cached pages: by default a digest of the templates, code, translations
# and static manifest, so a deployment starts afresh even with a shared cache; may be set
# to the deployed version instead.
PAGE_CACHE_RELEASE = _read("DJANGO_PAGE_CACHE_RELEASE", env.str, "")

# django-axes throttles the admin's login: after AXES_FAILURE_LIMIT failed attempts for one
# user name from one address, that pair is locked out for AXES_COOLOFF_TIME. Its database
# handler shares the counts between several app servers.
AUTHENTICATION_BACKENDS = [
    "clusterspace.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _read("DJANGO_LOGIN_FAILURE_LIMIT", env.int, 5)
AXES_COOLOFF_TIME = timedelta(minutes=_read("DJANGO_LOGIN_COOLOFF_MINUTES", env.int, 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "clusterspace.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "clusterspace.security.client_ip"
# How many proxies in front of the app append to X-Forwarded-For (0: use the socket's address).
TRUSTED_PROXY_COUNT = _read("DJANGO_TRUSTED_PROXY_COUNT", env.int, 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: German first, English second.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# British English dates on the English pages (clusterspace/formats/en/formats.py).
FORMAT_MODULE_PATH = ["clusterspace.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_LANGUAGES = ("de", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)


def _language_field_label(verbose_name, language):
    """A translated field's label names its language in the admin's language ("Titel
    (Englisch)", "Title (English)"), not by code ("Titel [en]"); evaluated lazily."""
    return f"{verbose_name} ({dict(LANGUAGES)[language]})"


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _language_field_label

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Static files and uploads.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# WhiteNoise serves the static files (gzip and Brotli variants made by collectstatic).
WHITENOISE_MAX_AGE = 60 * 60  # unhashed files; hashed ones are cached for a year
WHITENOISE_ADD_HEADERS_FUNCTION = cache_hashed_files_for_a_year

# Uploads (report PDFs, covers, portraits) are served by the site's own views, never by
# WhiteNoise. With nginx in front, set DJANGO_MEDIA_ACCEL_REDIRECT_PREFIX to an internal
# location aliasing MEDIA_ROOT (e.g. /_media/): the views then only check and answer
# with X-Accel-Redirect, and nginx sends the file.
MEDIA_ACCEL_REDIRECT_PREFIX = _read("DJANGO_MEDIA_ACCEL_REDIRECT_PREFIX", env.str, "")
if MEDIA_ACCEL_REDIRECT_PREFIX:
    MEDIA_ACCEL_REDIRECT_PREFIX = "/" + MEDIA_ACCEL_REDIRECT_PREFIX.strip("/") + "/"

# Open data (manage.py write_open_data, run by a timer): the JSON document and the CSV
# tables as files in this folder, which the download views then send (with nginx in
# front: DJANGO_OPEN_DATA_ACCEL_REDIRECT_PREFIX, an internal location aliasing it). Until
# the command has run, the views build the data while they send it.
OPEN_DATA_ROOT = Path(_read("DJANGO_OPEN_DATA_ROOT", env.str, "") or BASE_DIR / "var" / "open-data")
OPEN_DATA_ACCEL_REDIRECT_PREFIX = _read("DJANGO_OPEN_DATA_ACCEL_REDIRECT_PREFIX", env.str, "")
if OPEN_DATA_ACCEL_REDIRECT_PREFIX:
    OPEN_DATA_ACCEL_REDIRECT_PREFIX = "/" + OPEN_DATA_ACCEL_REDIRECT_PREFIX.strip("/") + "/"

# Several app servers: keep the uploads on S3-compatible storage (DJANGO_MEDIA_STORAGE=s3,
# needs the optional extra: pip install ".[s3]"). django-storages is imported only then.
MEDIA_STORAGE = _read("DJANGO_MEDIA_STORAGE", env.str, "filesystem").strip().lower()
_MEDIA_ORIGINS = []  # other origins the pages load uploaded images from (CSP img-src)
if MEDIA_STORAGE == "s3":
    if find_spec("storages") is None:
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_STORAGE=s3 needs django-storages: pip install '.[s3]'"
        )
    AWS_STORAGE_BUCKET_NAME = _read("AWS_STORAGE_BUCKET_NAME", env.str, "")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME: required with DJANGO_MEDIA_STORAGE=s3."
        )
    # AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are read from the environment by boto3.
    AWS_S3_ENDPOINT_URL = _read("AWS_S3_ENDPOINT_URL", env.str, "") or None
    AWS_S3_REGION_NAME = _read("AWS_S3_REGION_NAME", env.str, "") or None
    AWS_S3_CUSTOM_DOMAIN = _read("AWS_S3_CUSTOM_DOMAIN", env.str, "") or None
    AWS_LOCATION = _read("AWS_LOCATION", env.str, "media")
    AWS_QUERYSTRING_AUTH = _read("AWS_QUERYSTRING_AUTH", _bool, True)
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    if AWS_S3_CUSTOM_DOMAIN:
        _MEDIA_ORIGINS.append(f"https://{AWS_S3_CUSTOM_DOMAIN}")
    elif AWS_S3_ENDPOINT_URL:
        _MEDIA_ORIGINS.append(AWS_S3_ENDPOINT_URL.rstrip("/"))
    else:
        _MEDIA_ORIGINS.append("https://*.amazonaws.com")
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(
        f"DJANGO_MEDIA_STORAGE: {MEDIA_STORAGE!r} is neither 'filesystem' (default) nor 's3'."
    )

# Largest accepted report PDF, in bytes.
REPORT_MAX_UPLOAD_BYTES = _read("REPORT_MAX_UPLOAD_BYTES", env.int, 50 * 1024 * 1024)
# Largest accepted photo or logo, in bytes and in pixels (width × height: refuses
# decompression bombs before they are decoded).
IMAGE_MAX_UPLOAD_BYTES = _read("IMAGE_MAX_UPLOAD_BYTES", env.int, 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = _read("IMAGE_MAX_PIXELS", env.int, 40_000_000)

# Behind the university's TLS-terminating proxy.
if _read("DJANGO_TRUST_X_FORWARDED_PROTO", _bool, False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    # DJANGO_SECURE_SSL_REDIRECT=0 and DJANGO_SECURE_COOKIES=0 only for serving without TLS
    # on one's own machine (make serve); HSTS is ignored by browsers on plain HTTP.
    SECURE_SSL_REDIRECT = _read("DJANGO_SECURE_SSL_REDIRECT", _bool, True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check may use plain HTTP
    SECURE_HSTS_SECONDS = _read("DJANGO_SECURE_HSTS_SECONDS", env.int, 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _read("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", _bool, True)
    SECURE_HSTS_PRELOAD = _read("DJANGO_SECURE_HSTS_PRELOAD", _bool, True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _read("DJANGO_SECURE_COOKIES", _bool, True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the site has no JavaScript that would read the token
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4). The public pages have no JavaScript; the admin
# runs Django's static scripts and editors/static/editors/admin.js, all from this site.
# No inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, *_MEDIA_ORIGINS],
        "object-src": [NONE],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# Permissions-Policy (clusterspace.middleware): the site uses none of these features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Errors reach someone --------------------------------------------------------------
# A 500 mails DJANGO_ADMINS (with DEBUG off) through the server EMAIL_URL names; the mail
# carries the request's id and no secrets (clusterspace.logs.ErrorReportFilter).


def _admins(name, default):
    """DJANGO_ADMINS: addresses, comma-separated, each optionally "Name <address>"."""
    value = env.str(name, default="")
    admins = []
    for display_name, address in getaddresses([value]) if value.strip() else []:
        if "@" not in address:
            raise ValueError(f"not an e-mail address: {display_name or address!r}")
        admins.append((display_name or address, address))
    return admins or default


ADMINS = _read("DJANGO_ADMINS", _admins, [])
SERVER_EMAIL = _read("DJANGO_SERVER_EMAIL", env.str, "root@localhost")
DEFAULT_FROM_EMAIL = _read("DJANGO_DEFAULT_FROM_EMAIL", env.str, SERVER_EMAIL)
if ADMINS and not DEBUG and SERVER_EMAIL == "root@localhost":
    raise ImproperlyConfigured(
        "DJANGO_SERVER_EMAIL: set the sender of the error mails to DJANGO_ADMINS "
        "(an address the mail server accepts)."
    )
# Before the archive's name, which the mails take from the site's identity
# (clusterspace.logs.AdminEmailHandler): empty by default.
EMAIL_SUBJECT_PREFIX = _read("DJANGO_EMAIL_SUBJECT_PREFIX", env.str, "")
# EMAIL_URL: smtp://host:25, smtp+tls://user:password@host:587 (STARTTLS),
# smtp+ssl://user:password@host:465, consolemail:// (user and password URL-encoded).
globals().update(
    {
        key: value
        for key, value in _read("EMAIL_URL", env.email_url, "smtp://localhost:25").items()
        if value is not None
    }
)
EMAIL_TIMEOUT = 10
# Every POST value and every setting holding credentials are hidden in error reports.
DEFAULT_EXCEPTION_REPORTER_FILTER = "clusterspace.logs.ErrorReportFilter"

# LOG_FORMAT=json: one JSON object per line (clusterspace.logs.JsonFormatter); plain by
# default. Both carry the request's id. LOG_LEVEL: the least level written (WARNING).
LOG_FORMAT = _read("LOG_FORMAT", env.str, "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT: {LOG_FORMAT!r} is neither 'plain' nor 'json'.")
LOG_LEVEL = _read("LOG_LEVEL", env.str, "WARNING").strip().upper()
if LOG_LEVEL not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(f"LOG_LEVEL: {LOG_LEVEL!r} is no logging level (e.g. INFO).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "clusterspace.logs.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        # The outage page (503, 507) and /healthz's 503 are logged but mail nobody: one
        # mail per request while the database is away would bury the admins; telling
        # them is the monitoring's job, which asks /healthz.
        "no_outage": {
            "()": "django.utils.log.CallbackFilter",
            "callback": lambda record: getattr(record, "status_code", None) not in {503, 507},
        },
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "clusterspace.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "clusterspace.logs.AdminEmailHandler",
            "formatter": "plain",
            "filters": ["require_debug_false", "request_id", "no_outage"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Replaces Django's default for its loggers: one mail per error, and the console
    # handler above (through the root) instead of Django's DEBUG-only one.
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # A wrong Host header is a bot's doing, not an error to mail about: logged only.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
    },
}

# Sentry, only with SENTRY_DSN (pip install ".[sentry]"): errors with their request id,
# tagged with release and environment; no personal data, no request bodies.
_sentry_dsn = env.str("SENTRY_DSN", default="")  # lower case: never shown as a setting
if _sentry_dsn:
    if find_spec("sentry_sdk") is None:
        raise ImproperlyConfigured("SENTRY_DSN needs sentry-sdk: pip install '.[sentry]'")
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    def _sentry_tag_request_id(event, hint):
        from clusterspace.logs import current_request_id

        event.setdefault("tags", {})["request_id"] = current_request_id.get()
        return event

    try:
        _release = f"clusterspace@{version('clusterspace')}"
    except PackageNotFoundError:
        _release = "clusterspace"
    sentry_sdk.init(
        dsn=_sentry_dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        release=_read("SENTRY_RELEASE", env.str, "") or _release,
        environment=_read("SENTRY_ENVIRONMENT", env.str, "production"),
        before_send=_sentry_tag_request_id,
    )

# The admin's path, below the language prefix: /de/admin/ by default.
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"

# What backup_archive saves and restore_archive loads besides the uploads: app labels or
# app_label.model, dumped with natural keys for content types and permissions.
BACKUP_MODELS = [
    "auth.group",
    "auth.user",
    *CONTENT_APPS,
    "opendata",
    "linkchecks",
    # Not the entries' versions: a restore's saves raise "*", every entry page's.
    "pagecache.contentversion",
    "admin.logentry",
    # The version history (django-reversion), so a restore keeps what editors can undo.
    "reversion",
]
