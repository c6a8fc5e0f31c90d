"""Settings for clusterspace, read from the environment.

One module for every environment: development (``make run``, ``DJANGO_DEBUG=1``),
tests and production (the default: ``DJANGO_DEBUG`` off). Production refuses to start
without a real ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``. Every variable is
listed in ``.env.example``.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _read(name, cast, default):
    """Read one variable; a malformed value stops the start with the variable's name."""
    try:
        return cast(name, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as error:
        raise ImproperlyConfigured(f"{name}: invalid value ({error})") from error


DEBUG = _read("DJANGO_DEBUG", env.bool, False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if not DEBUG else _DEV_SECRET_KEY)
if not DEBUG and (not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY: set a random value of at least 40 characters when DJANGO_DEBUG is off."
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

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "clusterspace",
    "projects",
    "people",
    "reports",
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
]

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
                "clusterspace.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": _read("DATABASE_URL", env.db_url, f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": _read("CACHE_URL", env.cache_url, "locmemcache://clusterspace")}

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
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_LANGUAGES = ("de", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)

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
WHITENOISE_MAX_AGE = 60 * 60  # unhashed files; hashed ones are cached for a year

# Largest accepted report PDF, in bytes.
REPORT_MAX_UPLOAD_BYTES = _read("REPORT_MAX_UPLOAD_BYTES", env.int, 50 * 1024 * 1024)

# Behind the university's TLS-terminating proxy.
if _read("DJANGO_TRUST_X_FORWARDED_PROTO", env.bool, False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    SECURE_SSL_REDIRECT = _read("DJANGO_SECURE_SSL_REDIRECT", env.bool, True)
    SECURE_HSTS_SECONDS = _read("DJANGO_SECURE_HSTS_SECONDS", env.int, 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The admin's path, below the language prefix: /de/admin/ by default.
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"
