"""Site-wide views: the health check, the 500 page and the uploaded files (media)."""

import logging
import posixpath
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.files import KEPT_FOLDER
from core.responses import file_response
from pages.models import SiteIdentity

# The generic media view serves pictures only (portraits, logos, report covers). Report
# PDFs go through the reports' download view, which checks that the report is published.
MEDIA_VIEW_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
MEDIA_MAX_AGE = 60 * 60 * 24  # uploads keep their names when replaced: a day, not forever

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
    is read once, and when the database is what failed, the page names no one."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"request_id": getattr(request, "request_id", ""), **identity_names()})
    )


def identity_names():
    """The archive's, chair's and university's German names (the page's first language),
    or none when the database cannot be read (the error may be the database's)."""
    try:
        identity = SiteIdentity.current()
    except Exception:  # any failure of the database: the page must still render
        logger.warning("server_error: the site's identity could not be read", exc_info=True)
        identity = SiteIdentity()
    return {
        field: getattr(identity, f"{field}_de", "") or ""
        for field in ("name", "chair", "institution")
    }


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
