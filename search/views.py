"""The search page: results across the public entries, ten a page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from .models import SearchEntry
from .offline import EXPORT_ENVIRON_KEY
from .query import MAX_QUERY_LENGTH, Query, counts, matching, results, similar

# Ten results a page, as search engines show them: the best matches at a glance.
RESULTS_PER_PAGE = 10


@require_safe
def search(request):
    """Always 200, in three queries: the matches per kind, a page's ids, its rows."""
    query = Query.parse(request.GET.get("q", ""))
    entries, numbers, approximate = None, {}, False
    if query:
        entries = matching(query)
        numbers = counts(entries)
        if not numbers and (entries := similar(query)) is not None:
            numbers, approximate = counts(entries), True
    total = sum(numbers.values())
    # Pages of numbers: the database reads only the ids of the page asked for.
    page = Paginator(range(total), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    ids = []
    if total:
        ids = list(entries.values_list("pk", flat=True)[page.start_index() - 1 : page.end_index()])
    return render(
        request,
        "search/search.html",
        {
            "query": query,
            "submitted": "q" in request.GET,
            "page_obj": page,
            "results": results(ids, query, translation.get_language()) if ids else [],
            "counts": [
                (kind, label, numbers[kind])
                for kind, label in SearchEntry.Kind.choices
                if kind in numbers
            ],
            "total": total,
            "approximate": approximate,
            "max_length": MAX_QUERY_LENGTH,
            # The static export searches in the browser instead (search.offline).
            "offline_index": request.META.get(EXPORT_ENVIRON_KEY, ""),
        },
    )
