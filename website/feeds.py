"""An Atom feed of the archive's projects and annual reports, one per language.

``/de/feed.xml`` in German, ``/en/feed.xml`` in English; every page announces its language's
feed in its head. Only published entries appear; the newest change comes first.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from pages.models import SiteIdentity
from projects.models import Project
from reports.models import AnnualReport

MAX_ITEMS = 50


class ArchiveFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        # The site's identity names the feed and its author (one query).
        return SiteIdentity.current()

    def title(self, identity):
        return identity.title

    def subtitle(self):
        return _("Neue und geänderte Projekte und Jahresberichte")

    def link(self):
        return reverse("projects:index")

    def feed_url(self):
        return reverse("website:feed")

    def author_name(self, identity):
        return identity.chair

    def items(self):
        projects = Project.objects.published().order_by("-updated_at")[:MAX_ITEMS]
        reports = (
            AnnualReport.objects.published().select_related("series").order_by("-updated_at")
        )[:MAX_ITEMS]
        items = [*projects, *reports]
        items.sort(key=lambda item: item.updated_at, reverse=True)
        return items[:MAX_ITEMS]

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        if isinstance(item, Project):
            return item.subtitle or item.teaser
        return _("Jahresbericht %(year)s als PDF") % {"year": item.year}

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [_("Projekt") if isinstance(item, Project) else _("Jahresbericht")]
