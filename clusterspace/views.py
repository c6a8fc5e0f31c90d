"""Site-wide views: the health check and the uploaded files (media)."""

import posixpath

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.responses import file_response

# The generic media view serves pictures only (portraits, logos, report covers). Report
# PDFs go through the reports' download view, which checks that the report is published.
MEDIA_VIEW_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
MEDIA_MAX_AGE = 60 * 60 * 24  # uploads keep their names when replaced: a day, not forever


@never_cache
@require_safe
def healthz(request):
    """200 while the database answers, 503 when it does not: for the proxy's health checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


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
    return file_response(
        request, default_storage, name, cache_control=f"public, max-age={MEDIA_MAX_AGE}"
    )
