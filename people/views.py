from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from core.pagination import PagedMixin, page_url

from . import sorting
from .models import IndexEntry, Person, listed_roles

# 100 one-line entries: the index stays one page for a chair's archive and becomes
# pages of a readable length for a faculty's.
PER_PAGE = 100


def initial_route(initial):
    """``(view name, arguments)`` of the pages of the people filed under ``initial``."""
    if initial == sorting.OTHER:
        return "people:others", {}
    return "people:letter", {"letter": initial}


def initial_url(initial, number=1):
    """The address of page ``number`` of the people filed under ``initial``."""
    name, kwargs = initial_route(initial)
    return page_url(name, number, **kwargs)


def letter_bar(current=None):
    """The letter bar's entries: ``(label, address or "", is current)`` for A–Z, and for
    the other initials when someone is filed there. One query (``initials``)."""
    filed = IndexEntry.objects.initials()
    entries = [
        (letter.upper(), initial_url(letter) if letter in filed else "", letter == current)
        for letter in sorting.LETTERS
    ]
    if sorting.OTHER in filed:
        entries.append((sorting.OTHER, initial_url(sorting.OTHER), current == sorting.OTHER))
    return entries


class PersonListView(TemplateView):
    """Everyone named on a published project or interview (``IndexEntry``).

    While they fit on one page: all of them by group (team, former, partners), each
    group by name. Beyond that, the index is a letter bar leading to the people filed
    under each initial (``PersonLetterView``). One query tells which: a page's people and
    one more, in no order (nothing sorts or counts the archive's people). A person's
    page, which shows interviews from ``reports`` as well, is composed in
    ``website.views``.
    """

    template_name = "people/person_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = list(Person.objects.in_index().order_by()[: PER_PAGE + 1])
        if len(people) > PER_PAGE:
            context["letters"] = letter_bar()
            return context
        prefetch_related_objects(people, listed_roles())
        groups = {value: [] for value in Person.Group.values}
        for person in sorted(people, key=index_order):
            groups[person.group].append(person)
        context["groups"] = [
            (label, groups[value]) for value, label in Person.Group.choices if groups[value]
        ]
        return context


def index_order(person):
    """``IndexEntry``'s order for people loaded with their entries."""
    entry = person.index_entry
    return (entry.initial, entry.family_name_key, entry.given_name_key, person.pk)


class PersonLetterView(PagedMixin, ListView):
    """The people filed under one initial (``people.sorting``), in name order, in pages
    read off the index ``index_entry_order`` with previous/next links and no total."""

    template_name = "people/person_letter.html"
    context_object_name = "entries"
    paginate_by = PER_PAGE
    count_pages = False
    allow_empty_first_page = False  # a letter without people has no page
    # The initial of a route that names none (``OTHER``: "buchstabe/andere/").
    initial = None

    def get_queryset(self):
        return IndexEntry.objects.filed_under(self.get_initial()).for_listing()

    def get_initial(self):
        return self.kwargs.get("letter", self.initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = self.get_initial()
        context.update(
            people=[entry.person for entry in context["entries"]],
            letters=letter_bar(current=initial),
            letter=_("andere Anfangszeichen") if initial == sorting.OTHER else initial.upper(),
            other=initial == sorting.OTHER,
        )
        return context


def old_index_page(request, page):
    """The index's pages before it came by initial (``/de/personen/seite/2/``): their
    people are now under their initials, which the index leads to."""
    if page < 1:
        raise Http404(_("Diese Seite der Liste gibt es nicht."))
    return redirect("people:index", permanent=True)
