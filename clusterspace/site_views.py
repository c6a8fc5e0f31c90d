"""Site-wide pages for finding things: search, open data, robots.txt.

The feed and the sitemap are in ``feeds.py`` and ``sitemaps.py``; the URLs of all of
them in ``site_urls.py``.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from . import exports
from .models import OpenDataLicence
from .search import MAX_QUERY_LENGTH, Query, search_with_fallback

RESULTS_PER_PAGE = 20


@require_safe
def search_view(request):
    """Results across projects, organisations, people, reports and interviews.

    Always answers 200: an empty, too short, overlong or odd query gets a note and the
    form again, never an error.
    """
    raw = request.GET.get("q", "")
    query = Query.parse(raw)
    hits = search_with_fallback(query)
    # The database counts and reads one page: the same queries however large the archive.
    page = Paginator(hits, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    total = page.paginator.count
    return render(
        request,
        "clusterspace/search.html",
        {
            "query": query,
            "submitted": "q" in request.GET,
            "page_obj": page,
            "results": list(page.object_list),
            "counts": hits.counts() if total else [],
            "total": total,
            "approximate": hits.approximate,
            "max_length": MAX_QUERY_LENGTH,
        },
    )


@require_safe
def open_data(request):
    tables = list(exports.Archive.TABLES.items())
    return render(
        request,
        "clusterspace/open_data.html",
        {"licence": OpenDataLicence.current(), "tables": tables},
    )


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: other sites may fetch it
    return response


@require_safe
def export_json(request):
    data = exports.Archive(request).as_json()
    response = JsonResponse(
        data, json_dumps_params={"ensure_ascii": False, "indent": 2}, charset="utf-8"
    )
    return _attachment(response, "projektarchiv.json")


@require_safe
def export_csv(request, table):
    if table not in exports.Archive.TABLES:
        raise Http404("Diese Tabelle gibt es nicht.")
    archive = exports.Archive(request)
    text = exports.csv_text(archive.TABLES[table], archive.table(table))
    # With a byte order mark, spreadsheet programs read the UTF-8 correctly.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    return _attachment(response, f"projektarchiv-{table}.csv")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    # Result pages of the search are endless variations: not for crawlers.
    for language in ("de", "en"):
        with translation.override(language):
            lines.append(f"Disallow: {reverse('site:search')}")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
