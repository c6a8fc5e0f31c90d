"""URLs of the site-wide pages for finding things.

``urlpatterns`` go inside the language prefix (``/de/suche/``, ``/en/search/``);
``root_urlpatterns`` outside it (``/sitemap.xml``, ``/robots.txt``).
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from core.pagination import paged

from . import site_views
from .feeds import ArchiveFeed
from .sitemaps import SITEMAPS

app_name = "site"

urlpatterns = [
    path(_("suche/"), site_views.search_view, name="search"),
    *paged(_("zeitleiste/<int:decade>/"), site_views.DecadeView.as_view(), "timeline"),
    # ".xml": a static copy of the site (export_site) is served with an XML type.
    path("feed.xml", ArchiveFeed(), name="feed"),
    path("feed/", RedirectView.as_view(pattern_name="site:feed", permanent=True)),
    path(_("offene-daten/"), site_views.open_data, name="open_data"),
    path(_("offene-daten/projektarchiv.json"), site_views.export_json, name="export_json"),
    path(_("offene-daten/<slug:table>.csv"), site_views.export_csv, name="export_csv"),
]

root_urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
]
