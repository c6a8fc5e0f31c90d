from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from projects.pagination import PagedMixin

from .models import AnnualReport

# Published reports may be cached for an hour by browsers and proxies; after that (or
# at once, for a replaced file) they revalidate cheaply with ETag / Last-Modified.
PUBLIC_MAX_AGE = 60 * 60
CHUNK_SIZE = 64 * 1024


class ReportListView(PagedMixin, ListView):
    """The annual reports, the newest year first; a page groups its reports by series."""

    template_name = "reports/report_list.html"
    context_object_name = "reports"
    # 25 reports, each a cover and a few lines: several years of several series.
    paginate_by = 25

    def get_queryset(self):
        # Editors also see unpublished reports.
        return AnnualReport.objects.visible_to(self.request.user).for_listing()


class ReportDetailView(DetailView):
    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return get_object_or_404(
            AnnualReport.objects.visible_to(self.request.user).for_listing(),
            series__slug=self.kwargs["series"],
            year=self.kwargs["year"],
        )


def content_disposition(filename):
    """``inline`` (browsers show the PDF) with the name a person recognises (RFC 6266).

    ``filename`` for old clients (ASCII), ``filename*`` (UTF-8) for all others.
    """
    ascii_name = filename.encode("ascii", "ignore").decode().replace("\\", "").replace('"', "")
    return f"inline; filename=\"{ascii_name or 'bericht.pdf'}\"; filename*=UTF-8''{quote(filename)}"


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


def _if_range_passes(request, etag, last_modified):
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


class _FileRange:
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


def _without_page_csp(view):
    """Send the PDF without the pages' Content-Security-Policy.

    That policy is written for HTML; on a PDF, Chrome applies it to the viewer it
    builds around the file, which then cannot lay itself out (inline styles blocked,
    Chromium issue 271452). django-csp leaves a response marked ``_csp_exempt`` alone;
    error pages (404) are HTML and keep the policy.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.get("Content-Type") == "application/pdf":
            response._csp_exempt = True
        return response

    return wrapped


@require_safe
@_without_page_csp
def download(request, series, year):
    """The report's PDF at a stable address per language.

    200 with the whole file, 206 for a single byte range (PDF viewers fetch pages this
    way), 304 when the client's copy is current, 416 for a range outside the file; 404
    for an unpublished report (except for editors) or a missing file. With
    ``settings.MEDIA_ACCEL_REDIRECT_PREFIX`` nginx sends the file (X-Accel-Redirect) and
    answers ranges and revalidations itself.
    """
    report = get_object_or_404(
        AnnualReport.objects.visible_to(request.user).select_related("series"),
        series__slug=series,
        year=year,
    )
    name = report.file.name
    if not name:
        raise Http404("Dieser Bericht hat keine Datei.")
    storage = report.file.storage
    try:
        size = storage.size(name)
        modified = storage.get_modified_time(name)
    except (OSError, ValueError, SuspiciousFileOperation) as error:  # missing or unsafe
        raise Http404("Die Datei dieses Berichts fehlt.") from error

    last_modified = int(modified.timestamp())
    if report.file_sha256 and report.file_size == size:
        etag = f'"{report.file_sha256[:32]}"'
    else:
        # Not (yet) processed, or changed on disk since: size and time stand in.
        etag = f'"{size:x}-{last_modified:x}"'
    headers = {
        "Content-Disposition": content_disposition(report.filename),
        "Cache-Control": (
            f"public, max-age={PUBLIC_MAX_AGE}" if report.published else "private, no-cache"
        ),
    }

    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type="application/pdf", headers=headers)
        response["X-Accel-Redirect"] = prefix + quote(name.lstrip("/"))
        return response

    headers.update({"ETag": etag, "Last-Modified": http_date(last_modified)})
    headers["Accept-Ranges"] = "bytes"
    validators = HttpResponse(headers=headers)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=validators
    )
    if conditional is not validators:
        return conditional  # 304 Not Modified or 412 Precondition Failed

    byte_range = None
    if _if_range_passes(request, etag, last_modified):
        byte_range = parse_range(request.headers.get("Range", ""), size)
    if byte_range is UNSATISFIABLE:
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})

    if byte_range is None:
        status, start, length = 200, 0, size
    else:
        status, start, length = 206, byte_range[0], byte_range[1] - byte_range[0] + 1
        headers["Content-Range"] = f"bytes {byte_range[0]}-{byte_range[1]}/{size}"

    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type="application/pdf", headers=headers)
        response["Content-Length"] = str(length)
        return response

    try:
        file = storage.open(name, "rb")
    except OSError as error:  # removed between the check and now
        raise Http404("Die Datei dieses Berichts fehlt.") from error
    if status == 200:
        response = FileResponse(file, content_type="application/pdf", headers=headers)
        # FileResponse derives a disposition from the stored name; ours names the report.
        response["Content-Disposition"] = headers["Content-Disposition"]
    else:
        response = StreamingHttpResponse(
            _FileRange(file, start, length),
            status=status,
            content_type="application/pdf",
            headers=headers,
        )
    response["Content-Length"] = str(length)
    return response
