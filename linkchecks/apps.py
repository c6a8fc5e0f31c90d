from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class LinkChecksConfig(AppConfig):
    """The state of every external address the site shows, checked weekly."""

    name = "linkchecks"
    verbose_name = _("Linkprüfung")

    def ready(self):
        from .checks import forget_problem_links

        # A state an editor changes or deletes shows on the next page rendered.
        for signal in (post_save, post_delete):
            signal.connect(
                forget_problem_links, sender="linkchecks.LinkCheck", dispatch_uid="link_states"
            )
