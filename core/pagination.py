"""Lists in pages, each page at an address of its own: /de/personen/seite/2/.

The page number is part of the path, not a query parameter, so every page is a plain
page: its own canonical and hreflang addresses, a file of its own in a static copy of
the site, an entry in the sitemap. The first page keeps the list's address
(``…/seite/1/`` redirects there); a page number beyond the list, 0 or not a number is a
404. Used by the list pages of ``projects``, ``people``, ``reports`` and the site's
timeline by decade; the pagination partial (``includes/_pagination.html``) links the
pages, and ``base.html`` names the neighbours with ``<link rel="prev">``/``"next"``.

A list read from an index need not be counted: ``page_without_count`` reads one row
more than a page, which says whether a next page exists, and the partial then names
the page's number without the total ("Seite 2", not "Seite 2 von 40"), as the admin's
``show_full_result_count = False`` does for its lists.
"""

from math import ceil

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

PAGE_ROUTE = _("seite/<int:page>/")
PAGE_NAME_SUFFIX = "-page"
# No list has a million pages; a larger number in the path is a 404 before it becomes an
# offset beyond what a database's integer holds.
MAX_PAGE = 1_000_000


def paged(route, view, name):
    """The list's URL patterns: its first page at ``route``, the others below it."""
    return [
        path(route, view, name=name),
        path(format_lazy("{}{}", route, PAGE_ROUTE), view, name=f"{name}{PAGE_NAME_SUFFIX}"),
    ]


def page_url(view_name, number, **kwargs):
    """The address of page ``number`` of the list named ``view_name`` (its first page's
    name, with the namespace); ``kwargs`` are the list's own (an organisation's slug)."""
    if number == 1:
        return reverse(view_name, kwargs=kwargs)
    return reverse(f"{view_name}{PAGE_NAME_SUFFIX}", kwargs={**kwargs, "page": number})


def page_count(count, per_page):
    """How many pages ``count`` entries fill; an empty list has its first page."""
    return max(1, ceil(count / per_page))


def page_or_404(entries, per_page, number):
    """Page ``number`` of ``entries``, or a 404 for a page that is not there."""
    try:
        return Paginator(entries, per_page).page(number)
    except InvalidPage as error:
        raise Http404(_("Diese Seite der Liste gibt es nicht.")) from error


class PageWithoutCount:
    """A page of a list that was not counted: what the pagination partial and
    ``PagedMixin.page_links`` ask of a Paginator's page, without ``paginator``."""

    def __init__(self, object_list, number, has_next):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __len__(self):
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def read_page(entries, per_page, number):
    """``(rows, more)``: the rows of page ``number`` of ``entries`` (a QuerySet in a
    total order) and whether more follow, in one query of one row more than a page. A
    404 for a number below 1 or beyond any list (``MAX_PAGE``)."""
    if not 1 <= number <= MAX_PAGE:
        raise Http404(_("Diese Seite der Liste gibt es nicht."))
    start = (number - 1) * per_page
    # The page's keys first, then its rows: the earlier pages are skipped in the index
    # the order is read from, not read row by row (on PostgreSQL, not sorted in full).
    keys = entries.values("pk")[start : start + per_page + 1]
    rows = list(entries.filter(pk__in=keys))
    return rows[:per_page], len(rows) > per_page


def page_without_count(entries, per_page, number, allow_empty_first_page=True):
    """Page ``number`` of ``entries`` (``read_page``): nothing counts the list. A 404
    for a page that is not there: beyond the end, and the first page of an empty list
    unless ``allow_empty_first_page``."""
    rows, more = read_page(entries, per_page, number)
    if not rows and (number > 1 or not allow_empty_first_page):
        raise Http404(_("Diese Seite der Liste gibt es nicht."))
    return PageWithoutCount(rows, number, has_next=more)


class PagedMixin:
    """For list views whose URL patterns come from ``paged()``.

    Redirects ``…/seite/1/`` to the list's own address and puts ``previous_page_url``
    and ``next_page_url`` into the context for the pagination partial and the
    ``rel="prev"``/``"next"`` links in the page's head. With ``ListView`` and
    ``paginate_by``, pages the list by the number in the path; ``count_pages = False``
    reads the page without counting the list (``page_without_count``), and
    ``allow_empty_first_page = False`` makes an empty list's first page a 404 as well.
    """

    count_pages = True
    allow_empty_first_page = True

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:
            return redirect(self.page_url(1), permanent=True)
        return super().dispatch(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        """ListView's pagination with the number from the path only: a "?page=" is
        ignored like any other query parameter."""
        number = self.kwargs.get("page", 1)
        if not self.count_pages:
            page = page_without_count(queryset, page_size, number, self.allow_empty_first_page)
            return None, page, page.object_list, page.has_other_pages()
        page = page_or_404(queryset, page_size, number)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def page_url(self, number):
        match = self.request.resolver_match
        name = match.view_name.removesuffix(PAGE_NAME_SUFFIX)
        kwargs = {key: value for key, value in match.kwargs.items() if key != "page"}
        return page_url(name, number, **kwargs)

    def page_links(self, page):
        """The neighbours' addresses of ``page`` (a Paginator's page), for the context."""
        return {
            "previous_page_url": self.page_url(page.previous_page_number())
            if page.has_previous()
            else "",
            "next_page_url": self.page_url(page.next_page_number()) if page.has_next() else "",
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context.update(self.page_links(page))
        return context
