"""sitemap.xml: every public page in German and English, with hreflang alternates.

Each entry names its counterpart in the other language and the German page as
x-default. Only published projects and reports, people named on them and the
organisations of published projects appear; filtered lists and search results do not.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from people.models import Person
from projects.models import Organisation, Project
from reports.models import AnnualReport


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
            "site:open_data",
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


SITEMAPS = {
    "seiten": PageSitemap,
    "projekte": ProjectSitemap,
    "personen": PersonSitemap,
    "organisationen": OrganisationSitemap,
    "jahresberichte": ReportSitemap,
}
