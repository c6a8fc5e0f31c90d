"""Site-wide pages for finding things: search, the timeline by decade, open data, robots.txt.

The feed and the sitemap are in ``feeds.py`` and ``sitemaps.py``; the URLs of all of
them in ``site_urls.py``.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core.pagination import PagedMixin, page_or_404

from . import exports, timeline
from . import open_data as open_data_files
from .models import OpenDataLicence
from .search import MAX_QUERY_LENGTH, Query, search_with_fallback

# Ten results a page, as search engines show them: the best matches at a glance.
RESULTS_PER_PAGE = 10


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


class DecadeView(PagedMixin, TemplateView):
    """The timeline of one decade: the published projects that ran in it, in pages.

    Only decades in which projects ran exist (``timeline.decades``); any other number
    in the address is a 404.
    """

    template_name = "clusterspace/timeline_decade.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        decade = self.kwargs["decade"]
        decades = timeline.decades()
        if decade not in decades:
            raise Http404("Zu diesem Jahrzehnt gibt es keine Zeitleiste.")
        page = page_or_404(
            timeline.in_decade(decade), timeline.DECADE_PAGE_SIZE, self.kwargs.get("page", 1)
        )
        position = decades.index(decade)
        # The URL's own arguments (decade, page) are in kwargs already.
        return super().get_context_data(
            last_year=decade + 9,
            page_obj=page,
            earlier=decades[position - 1] if position else None,
            later=decades[position + 1] if position + 1 < len(decades) else None,
            **timeline.timeline(page.object_list, years=(decade, decade + 9)),
            **kwargs,
        )


@require_safe
def open_data(request):
    tables = list(exports.Archive.TABLES.items())
    response = render(
        request,
        "clusterspace/open_data.html",
        {
            "licence": OpenDataLicence.current(),
            "tables": tables,
            "stand": open_data_files.read_stand(),
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
def export_json(request):
    name, content_type = open_data_files.JSON_NAME, open_data_files.JSON_TYPE
    response = open_data_files.written_response(request, name, content_type)
    if response is None:
        text = exports.Archive(request).json_text()
        response = StreamingHttpResponse(text, content_type=content_type, charset="utf-8")
    return _attachment(response, name)


@require_safe
def export_csv(request, table):
    if table not in exports.Archive.TABLES:
        raise Http404("Diese Tabelle gibt es nicht.")
    name, content_type = open_data_files.csv_name(table), open_data_files.CSV_TYPE
    response = open_data_files.written_response(request, name, content_type)
    if response is None:
        text = open_data_files.csv_pieces(exports.Archive(request), table)
        response = StreamingHttpResponse(text, content_type=content_type)
    return _attachment(response, name)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    # Result pages of the search are endless variations: not for crawlers.
    for language in ("de", "en"):
        with translation.override(language):
            lines.append(f"Disallow: {reverse('site:search')}")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
