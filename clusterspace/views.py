"""Site-wide views: the health check, the 500 page, the outage page and the uploaded
files (media)."""

import logging
import posixpath
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.files import KEPT_FOLDER
from core.outages import database_unavailable, storage_full
from core.responses import file_response
from pages.models import SiteIdentity

# The generic media view serves pictures only (portraits, logos, report covers). Report
# PDFs go through the reports' download view, which checks that the report is published.
MEDIA_VIEW_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
MEDIA_MAX_AGE = 60 * 60 * 24  # uploads keep their names when replaced: a day, not forever
# When to ask again while the database is away: a restart takes seconds, maintenance minutes.
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """For the proxy's and the monitoring's health checks: the database, the cache and the
    media storage each do real work (the cache and the storage write, read and delete a
    probe). 200 "ok" when all three do; 503 naming the part that failed otherwise. The
    answer names no error, path or setting; the log has the details."""
    failed = [name for name, check in HEALTH_CHECKS if not _passes(name, check)]
    if failed:
        text = "".join(f"{name}: failed\n" for name in failed)
        return HttpResponse(text, status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def _passes(name, check):
    try:
        return check()
    except Exception:  # any failure of the part (driver, network, disk) is the answer
        logger.warning("healthz: the %s check failed", name, exc_info=True)
        return False


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache_keeps_a_value():
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


def _media_storage_keeps_a_file():
    # A top-level name of a type no view serves: no folder is left behind, and a probe
    # that outlives a crash is never shown to anybody.
    content = uuid.uuid4().hex.encode()
    name = default_storage.save(f"healthz-{uuid.uuid4().hex}.probe", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as probe:
            return probe.read() == content
    finally:
        default_storage.delete(name)


HEALTH_CHECKS = (
    ("database", _database_answers),
    ("cache", _cache_keeps_a_value),
    ("media storage", _media_storage_keeps_a_file),
)


def server_error(request):
    """The 500 page (handler500) with the request's id, which a visitor can quote and which
    the logs and the administrators' mail carry too. Rendered without context processors:
    nothing that could fail again (session, translations) is touched; the site's identity
    is read once, and when the database is what failed, the page names no one.

    An outage is no bug: a database that cannot be read or an upload storage that is full,
    met outside a view (a middleware saving the session), gets the outage page instead."""
    error = sys.exception()
    if database_unavailable(error) or storage_full(error):
        return unavailable(request, error)
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"request_id": getattr(request, "request_id", ""), **identity_names()})
    )


def unavailable(request, error):
    """The answer while a part the site depends on is away, instead of the 500 page:
    503 with Retry-After while the database cannot be read (``error`` an
    OperationalError or InterfaceError), 507 while the upload storage is full.

    In the language of the address (without one: the browser's). Visitors are told the archive
    is unavailable; editors in the admin that what they sent was not saved and that the
    browser's back button returns to their input. A save runs in one transaction, and
    the files it wrote go with it when it fails (``core.files``): nothing is half done.
    Rendered without context processors; never cached. The site's identity names the
    archive only while the database answers (a full disk): the page never needs it.
    """
    storage = storage_full(error)
    logger.warning(
        "%s %s: %s unavailable: %r",
        request.method,
        request.path,
        "upload storage" if storage else "database",
        error,
    )
    language = translation.get_language_from_request(request, check_path=True)
    admin = f"/{language}/{settings.ADMIN_URL}"
    context = {
        "language": language,
        "cause": "storage" if storage else "database",
        "editor": request.path_info.startswith(admin),
        # A form sent, other than the sign-in (which loses no work).
        "saving": request.method not in ("GET", "HEAD", "OPTIONS")
        and getattr(request.resolver_match, "view_name", "") != "admin:login",
        "request_id": getattr(request, "request_id", ""),
        # A full disk leaves the database readable; a database away is not asked again.
        **identity_names(language, database=storage),
    }
    with translation.override(language):
        body = loader.get_template("unavailable.html").render(context)
    response = HttpResponse(body, status=507 if storage else 503)
    response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "no-store"
    if not storage:  # a full disk waits for an operator, not for a number of seconds
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def identity_names(language="de", database=True):
    """The archive's, chair's and university's names in ``language`` (German where the
    English is missing), or none when the database cannot be read: after a failed read,
    and without trying when the caller knows it is away (``database=False``: the outage
    page must neither wait for it again nor fail with it)."""
    identity = SiteIdentity()
    if database:
        try:
            identity = SiteIdentity.current()
        except Exception:  # any failure of the database: the page must still render
            logger.warning("error page: the site's identity could not be read", exc_info=True)
    with translation.override(language):
        return {field: getattr(identity, field) or "" for field in ("name", "chair", "institution")}


@require_safe
def media(request, path):
    """Uploaded pictures under MEDIA_URL, from MEDIA_ROOT; 404 for anything else.

    Serves the renditions the pages link (portraits, logos, report covers); report PDFs
    only through the reports' download view, which checks that the report is published.
    """
    name = posixpath.normpath(path).lstrip("/")
    if name != path or name.startswith(".") or "/." in name:
        raise Http404
    if posixpath.splitext(name)[1].lower() not in MEDIA_VIEW_EXTENSIONS:
        raise Http404
    # Uploaded originals (folder/original/…) are the masters of the renditions the pages
    # show; only editors open them (the admin links them), visitors get the renditions.
    if "original" in name.split("/")[:-1] and not request.user.is_staff:
        raise Http404
    # Files of deleted entries, kept for a restore from the history, are nobody's to see.
    if name.split("/")[0] == KEPT_FOLDER:
        raise Http404
    return file_response(
        request, default_storage, name, cache_control=f"public, max-age={MEDIA_MAX_AGE}"
    )
