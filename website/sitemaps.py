"""sitemap.xml: every public page in German and English, with hreflang alternates.

Each entry names its counterpart in the other language and the German page as
x-default. Only published projects and reports, people named on them and the
organisations of published projects appear; filtered lists and search results do not.
The lists' further pages (``/de/seite/2/``), the people index's letters
(``/de/personen/buchstabe/a/``) and the timeline's decades are pages of their own and
appear too.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Count
from django.urls import reverse

from core.pagination import page_count, page_url
from people.models import IndexEntry, Person
from people.views import PER_PAGE as PEOPLE_PER_PAGE
from people.views import initial_route
from projects.models import Funding, Organisation, Project
from projects.views import OrganisationDetailView, OrganisationListView, ProjectListView
from reports.models import AnnualReport
from reports.views import ReportListView

from . import timeline


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_urls(self, page=1, site=None, protocol=None):
        """Django's x-default drops the language prefix ("/projekte/…"), which this site
        does not serve; the pages' own hreflang links name the German page instead, and
        so does the sitemap."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            alternates = {alt["lang_code"]: alt for alt in url.get("alternates", [])}
            if "x-default" in alternates and settings.LANGUAGE_CODE in alternates:
                alternates["x-default"]["location"] = alternates[settings.LANGUAGE_CODE]["location"]
        return urls


class PageSitemap(BilingualSitemap):
    """The site's fixed pages."""

    changefreq = "monthly"

    def items(self):
        return [
            "projects:index",
            "projects:list",
            "projects:organisations",
            "people:index",
            "reports:list",
            "opendata:page",
        ]

    def location(self, item):
        return reverse(item)


class ProjectSitemap(BilingualSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Project.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PersonSitemap(BilingualSitemap):
    def items(self):
        return Person.objects.public().order_by("pk")


class OrganisationSitemap(BilingualSitemap):
    def items(self):
        return Organisation.objects.with_public_projects().order_by("pk")


class ReportSitemap(BilingualSitemap):
    def items(self):
        return AnnualReport.objects.published().select_related("series").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class ListPageSitemap(BilingualSitemap):
    """The lists' pages after the first, the people index's letters and the timeline's
    decades with their pages: ``(view name, the list's arguments, page number)``. A
    query per list, per decade, one for the letters and two for the organisations with
    more than a page of fundings or partners."""

    changefreq = "monthly"

    def items(self):
        lists = [
            ("projects:index", Project.objects.published(), ProjectListView.paginate_by),
            ("reports:list", AnnualReport.objects.published(), ReportListView.paginate_by),
            (
                "projects:organisations",
                Organisation.objects.with_public_projects(),
                OrganisationListView.paginate_by,
            ),
        ]
        items = []
        for name, entries, per_page in lists:
            pages = page_count(entries.count(), per_page)
            items += [(name, {}, number) for number in range(2, pages + 1)]
        items += self._people_pages()
        items += self._organisation_pages()
        for decade in timeline.decades():
            pages = page_count(timeline.in_decade(decade).count(), timeline.DECADE_PAGE_SIZE)
            items += [("website:timeline", {"decade": decade}, n) for n in range(1, pages + 1)]
        return items

    def _people_pages(self):
        """Each initial's pages, once the people index comes by initial (more people
        than a page)."""
        counts = dict(IndexEntry.objects.order_by().values_list("initial").annotate(n=Count("pk")))
        if sum(counts.values()) <= PEOPLE_PER_PAGE:
            return []
        items = []
        for initial, entries in sorted(counts.items()):
            name, kwargs = initial_route(initial)
            pages = page_count(entries, PEOPLE_PER_PAGE)
            items += [(name, kwargs, number) for number in range(1, pages + 1)]
        return items

    def _organisation_pages(self):
        per_page = OrganisationDetailView.paginate_by
        fundings = (
            Funding.objects.filter(project__published=True)
            .order_by()  # grouped by organisation only, not by Meta.ordering's fields too
            .values("organisation__slug")
            .annotate(entries=Count("project", distinct=True))  # its page lists projects
            .filter(entries__gt=per_page)
        )
        partners = (
            Project.objects.published()
            .exclude(partners=None)
            .order_by()
            .values("partners__slug")
            .annotate(entries=Count("pk"))
            .filter(entries__gt=per_page)
        )
        longest = {}
        for slug, entries in [
            *fundings.values_list("organisation__slug", "entries"),
            *partners.values_list("partners__slug", "entries"),
        ]:
            longest[slug] = max(longest.get(slug, 0), entries)
        return [
            ("projects:organisation", {"slug": slug}, number)
            for slug, entries in sorted(longest.items())
            for number in range(2, page_count(entries, per_page) + 1)
        ]

    def location(self, item):
        name, kwargs, number = item
        return page_url(name, number, **kwargs)


SITEMAPS = {
    "seiten": PageSitemap,
    "listenseiten": ListPageSitemap,
    "projekte": ProjectSitemap,
    "personen": PersonSitemap,
    "organisationen": OrganisationSitemap,
    "jahresberichte": ReportSitemap,
}
