from django.apps import AppConfig


class ClusterspaceConfig(AppConfig):
    """The site itself: settings, URLs, site-wide pages, the page cache."""

    name = "clusterspace"

    def ready(self):
        from clusterspace.cache import connect_signals

        # Every change to the content raises the content version (clusterspace.cache).
        connect_signals()

        from clusterspace import search_index

        # The search index follows every change of what it finds (clusterspace.search_index).
        search_index.connect_signals()

        from django.db.models.signals import post_migrate

        from clusterspace.editors import sync_after_migrate

        # Runs after auth has created the permissions of every app's models.
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="editor_group")

        from django.db.models.signals import post_delete, post_save

        from clusterspace.links import forget_problem_links

        # A state an editor changes or deletes shows on the next page rendered.
        for signal in (post_save, post_delete):
            signal.connect(
                forget_problem_links, sender="clusterspace.LinkCheck", dispatch_uid="link_states"
            )
