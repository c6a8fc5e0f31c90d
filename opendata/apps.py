from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from core.signals import content_changed


def _licence_changed(sender, **kwargs):
    # The licence is named in the open data: its files are written anew.
    content_changed.send(sender=sender)


class OpenDataConfig(AppConfig):
    """The public archive as open data: a JSON document and CSV tables, and its licence."""

    name = "opendata"
    verbose_name = _("Offene Daten")

    def ready(self):
        for signal in (post_save, post_delete):
            signal.connect(
                _licence_changed, sender="opendata.OpenDataLicence", dispatch_uid="licence"
            )
