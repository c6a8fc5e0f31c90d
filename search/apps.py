from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The site-wide search: an index of the public entries, searched by the database."""

    name = "search"
    verbose_name = _("Suche")

    def ready(self):
        from . import index

        # The index follows every change of what it finds.
        index.connect_signals()
