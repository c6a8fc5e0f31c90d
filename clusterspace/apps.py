from django.apps import AppConfig


class ClusterspaceConfig(AppConfig):
    """The site itself: settings, URLs, site-wide pages, the page cache."""

    name = "clusterspace"

    def ready(self):
        from clusterspace.cache import connect_signals

        # Every change to the content raises the content version (clusterspace.cache).
        connect_signals()
