"""The website's own pages besides the content apps': the timeline by decade, the feed.

``root_urlpatterns`` go outside the language prefix (``/sitemap.xml``, ``/robots.txt``).
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from core.pagination import paged

from . import views
from .feeds import ArchiveFeed
from .sitemaps import SITEMAPS

app_name = "website"

urlpatterns = [
    *paged(_("zeitleiste/<int:decade>/"), views.DecadeView.as_view(), "timeline"),
    # ".xml": a static copy of the site (export_site) is served with an XML type.
    path("feed.xml", ArchiveFeed(), name="feed"),
    path("feed/", RedirectView.as_view(pattern_name="website:feed", permanent=True)),
]

root_urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
