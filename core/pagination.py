"""Lists in pages, each page at an address of its own: /de/personen/seite/2/.

The page number is part of the path, not a query parameter, so every page is a plain
page: its own canonical and hreflang addresses, a file of its own in a static copy of
the site, an entry in the sitemap. The first page keeps the list's address
(``…/seite/1/`` redirects there); a page number beyond the list, 0 or not a number is a
404. Used by the list pages of ``projects``, ``people``, ``reports`` and the site's
timeline by decade; the pagination partial (``includes/_pagination.html``) links the
pages, and ``base.html`` names the neighbours with ``<link rel="prev">``/``"next"``.
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


class PagedMixin:
    """For list views whose URL patterns come from ``paged()``.

    Redirects ``…/seite/1/`` to the list's own address and puts ``previous_page_url``
    and ``next_page_url`` into the context for the pagination partial and the
    ``rel="prev"``/``"next"`` links in the page's head. With ``ListView`` and
    ``paginate_by``, pages the list by the number in the path.
    """

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:
            return redirect(self.page_url(1), permanent=True)
        return super().dispatch(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        """ListView's pagination with the number from the path only: a "?page=" is
        ignored like any other query parameter."""
        page = page_or_404(queryset, page_size, self.kwargs.get("page", 1))
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
