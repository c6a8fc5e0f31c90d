from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    """The public website composed of the content apps: the frame of every page, the
    project and person pages, the filter, timeline, feeds, sitemap and JSON-LD."""

    name = "website"
    verbose_name = _("Website")
