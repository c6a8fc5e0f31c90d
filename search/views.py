"""The search page: results across the public entries, ten a page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .offline import EXPORT_ENVIRON_KEY
from .query import MAX_QUERY_LENGTH, Query, search_with_fallback

# Ten results a page, as search engines show them: the best matches at a glance.
RESULTS_PER_PAGE = 10


@require_safe
def search(request):
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
        "search/search.html",
        {
            "query": query,
            "submitted": "q" in request.GET,
            "page_obj": page,
            "results": list(page.object_list),
            "counts": hits.counts() if total else [],
            "total": total,
            "approximate": hits.approximate,
            "max_length": MAX_QUERY_LENGTH,
            # The static export searches in the browser instead (search.offline).
            "offline_index": request.META.get(EXPORT_ENVIRON_KEY, ""),
        },
    )
