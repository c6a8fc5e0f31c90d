from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The site-wide search: an index of the public entries, searched by the database."""

    name = "search"
    verbose_name = _("Suche")

    def ready(self):
        from . import index

        # The index follows every change of what it finds, and is built where it is missing.
        index.connect_signals()
        post_migrate.connect(index.build_missing, sender=self, dispatch_uid="search_index")
