"""The open-data page and its downloads: the JSON document and one CSV file per table."""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from . import files
from .archive import Archive
from .models import OpenDataLicence


@require_safe
def page(request):
    response = render(
        request,
        "opendata/open_data.html",
        {
            "licence": OpenDataLicence.current(),
            "tables": list(Archive.TABLES.items()),
            "stand": files.read_stand(),
        },
    )
    # The files' date changes without a change of the content: not for the page cache.
    patch_cache_control(response, no_cache=True)
    return response


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: other sites may fetch it
    return response


# The files manage.py write_open_data wrote; built while sent only before it first ran.
@require_safe
def json_download(request):
    name, content_type = files.JSON_NAME, files.JSON_TYPE
    response = files.written_response(request, name, content_type)
    if response is None:
        text = Archive(request).json_text()
        response = StreamingHttpResponse(text, content_type=content_type, charset="utf-8")
    return _attachment(response, name)


@require_safe
def csv_download(request, table):
    if table not in Archive.TABLES:
        raise Http404("Diese Tabelle gibt es nicht.")
    name, content_type = files.csv_name(table), files.CSV_TYPE
    response = files.written_response(request, name, content_type)
    if response is None:
        text = files.csv_pieces(Archive(request), table)
        response = StreamingHttpResponse(text, content_type=content_type)
    return _attachment(response, name)
