from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _build_missing_index(sender, using, apps=None, **kwargs):
    """A database migrated from a release before this index has content but no entries."""
    from projects.models import Project

    from .index import rebuild
    from .models import SearchEntry

    try:  # the state migrate leaves (flush sends no state: the tables are all there)
        if apps is not None:
            apps.get_model("search", "SearchEntry")
    except LookupError:
        return  # migrated back to before the index: no table
    if not SearchEntry.objects.using(using).exists() and Project.objects.using(using).exists():
        rebuild()


class SearchConfig(AppConfig):
    """The site-wide search: an index of the public entries, searched by the database."""

    name = "search"
    verbose_name = _("Suche")

    def ready(self):
        from . import index

        # The index follows every change of what it finds.
        index.connect_signals()
        post_migrate.connect(_build_missing_index, sender=self, dispatch_uid="search_index")
