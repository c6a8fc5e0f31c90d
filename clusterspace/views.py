"""Site-wide views: the health check and the uploaded files (media)."""

import mimetypes
import os
import posixpath
import stat
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

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


def media_file_response(request, name, *, content_type=None, filename=None, max_age=None):
    """Answer with the uploaded file ``name`` from MEDIA_ROOT (file system storage).

    Meant for every view that hands out uploads (pictures here, report PDFs in
    ``reports``). With ``settings.MEDIA_ACCEL_REDIRECT_PREFIX`` set the response carries
    only the headers and ``X-Accel-Redirect: <prefix><name>``, and nginx sends the file
    from its internal location; otherwise Django streams it. A name outside MEDIA_ROOT or
    a missing file is a 404.
    """
    try:
        root = Path(settings.MEDIA_ROOT).resolve()
        path = (root / name).resolve()
        info = os.stat(path)
    except (ValueError, OSError) as error:  # a NUL byte, a missing file
        raise Http404 from error
    # Resolved, links and ".." included: a name must lead to a file below MEDIA_ROOT.
    if not path.is_relative_to(root):
        raise Http404
    if not stat.S_ISREG(info.st_mode):
        raise Http404

    if content_type is None:
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    headers = {"Last-Modified": http_date(info.st_mtime)}
    if max_age is not None:
        headers["Cache-Control"] = f"public, max-age={max_age}"
    if filename:
        headers["Content-Disposition"] = content_disposition_header(False, filename)
    if not was_modified_since(request.headers.get("if-modified-since"), info.st_mtime):
        return HttpResponseNotModified(headers=headers)

    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type, headers=headers)
        response["X-Accel-Redirect"] = prefix + quote(name.lstrip("/"))
        return response
    # FileResponse closes the file when the response is done.
    return FileResponse(open(path, "rb"), content_type=content_type, headers=headers)


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
    return media_file_response(request, name, max_age=MEDIA_MAX_AGE)
