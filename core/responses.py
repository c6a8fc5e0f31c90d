"""Stored files as HTTP responses, for every view that hands out uploads: 200, 206 for a
byte range, 304, 412, 416 and HEAD, or only the headers and ``X-Accel-Redirect`` for
nginx (``settings.MEDIA_ACCEL_REDIRECT_PREFIX``). Which file a visitor may fetch is the
calling view's decision.
"""

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import (
    content_disposition_header,
    http_date,
    parse_etags,
    parse_http_date_safe,
)

CHUNK_SIZE = 64 * 1024

UNSATISFIABLE = object()


def parse_range(header, size):
    """The one byte range a ``Range`` header asks for, as (first, last) inclusive.

    None: no usable single range (absent, malformed, another unit, several ranges):
    answer with the whole file. ``UNSATISFIABLE``: the range lies outside the file (416).
    """
    if not header:
        return None
    unit, _, ranges = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in ranges:
        return None
    first, dash, last = ranges.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first.isdigit() or first == "") or not (last.isdigit() or last == ""):
        return None
    if first == "":
        if last == "":
            return None
        suffix = int(last)  # "-500": the last 500 bytes
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return max(0, size - suffix), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid syntax: ignored, as RFC 9110 allows
    if start >= size:
        return UNSATISFIABLE
    return start, min(end, size - 1)


def if_range_passes(request, etag, last_modified):
    """RFC 9110 13.1.5: the range applies only if the client's copy is still current."""
    value = request.headers.get("If-Range")
    if not value:
        return True
    value = value.strip()
    if value.startswith(('"', "W/")):
        # A strong comparison: a weak tag never matches.
        return not value.startswith("W/") and parse_etags(value) == [etag]
    date = parse_http_date_safe(value)
    return date is not None and date == last_modified


class FileRange:
    """Iterates ``length`` bytes of an open file; closes it when the response closes."""

    def __init__(self, file, start, length):
        self.file = file
        self.start = start
        self.remaining = length

    def __iter__(self):
        self.file.seek(self.start)
        while self.remaining > 0:
            chunk = self.file.read(min(CHUNK_SIZE, self.remaining))
            if not chunk:
                break
            self.remaining -= len(chunk)
            yield chunk

    def close(self):
        self.file.close()


def _is_folder(storage, name):
    try:
        return Path(storage.path(name)).is_dir()
    except NotImplementedError:  # an object store: no local path, and no folders to open
        return False


def _inside_storage(storage, name):
    """For a storage on this machine: the name, resolved (links and ".." included), leads
    to a file below the storage's folder. Other storages have no local path to leave."""
    try:
        path = Path(storage.path(name)).resolve()
    except NotImplementedError:
        return True
    return path.is_relative_to(Path(storage.path("")).resolve())


def file_response(
    request,
    storage,
    name,
    *,
    content_type=None,
    filename=None,
    cache_control=None,
    checksum="",
    checksum_size=None,
    accel_prefix=None,
):
    """Answer ``request`` with the file ``name`` of ``storage``.

    ``content_type``: guessed from the name if not given. ``filename``: the name the
    browser shows and saves (``Content-Disposition: inline``), else the stored file's
    own. ``cache_control``: the ``Cache-Control`` header, if any. ``checksum``: a hash
    of the content recorded when the file was stored, for ``checksum_size`` bytes; it is
    the ETag while the file still has that size, else size and time stand in.
    ``accel_prefix``: nginx's internal location for this storage's folder (default
    ``settings.MEDIA_ACCEL_REDIRECT_PREFIX``; empty: Django sends the file).
    """
    try:
        size = storage.size(name)
        modified = storage.get_modified_time(name)
        if _is_folder(storage, name) or not _inside_storage(storage, name):
            raise Http404("Keine Datei unter diesem Namen.")
    except (OSError, ValueError, SuspiciousFileOperation) as error:  # missing or unsafe
        raise Http404("Die Datei fehlt.") from error

    if content_type is None:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    headers = {
        "Content-Disposition": content_disposition_header(
            False, filename or posixpath.basename(name)
        ),
    }
    if cache_control:
        headers["Cache-Control"] = cache_control

    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX if accel_prefix is None else accel_prefix
    if prefix:
        response = HttpResponse(content_type=content_type, headers=headers)
        response["X-Accel-Redirect"] = prefix + quote(name.lstrip("/"))
        return response

    last_modified = int(modified.timestamp())
    if checksum and checksum_size == size:
        etag = f'"{checksum[:32]}"'
    else:
        # No checksum, or the file changed since it was taken: size and time stand in.
        etag = f'"{size:x}-{last_modified:x}"'
    headers.update(
        {"ETag": etag, "Last-Modified": http_date(last_modified), "Accept-Ranges": "bytes"}
    )
    validators = HttpResponse(headers=headers)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=validators
    )
    if conditional is not validators:
        return conditional  # 304 Not Modified or 412 Precondition Failed

    byte_range = None
    if if_range_passes(request, etag, last_modified):
        byte_range = parse_range(request.headers.get("Range", ""), size)
    if byte_range is UNSATISFIABLE:
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})

    if byte_range is None:
        status, start, length = 200, 0, size
    else:
        status, start, length = 206, byte_range[0], byte_range[1] - byte_range[0] + 1
        headers["Content-Range"] = f"bytes {byte_range[0]}-{byte_range[1]}/{size}"

    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type, headers=headers)
        response["Content-Length"] = str(length)
        return response

    try:
        file = storage.open(name, "rb")
    except OSError as error:  # removed between the check and now
        raise Http404("Die Datei fehlt.") from error
    if status == 200:
        # FileResponse closes the file when the response is done.
        response = FileResponse(file, content_type=content_type, headers=headers)
        # FileResponse derives a disposition from the stored name; ours names the file.
        response["Content-Disposition"] = headers["Content-Disposition"]
    else:
        response = StreamingHttpResponse(
            FileRange(file, start, length),
            status=status,
            content_type=content_type,
            headers=headers,
        )
    response["Content-Length"] = str(length)
    return response
