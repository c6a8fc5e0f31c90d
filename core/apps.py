from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app uses: images, files, months, cached links, file responses, the
    shape content models share and the admin's edit-conflict check. It imports none of
    the other apps."""

    name = "core"
    verbose_name = _("Grundlagen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.files import discard_uncommitted_files

        # A save that failed after writing its files leaves none behind (core.files).
        request_finished.connect(discard_uncommitted_files, dispatch_uid="core.files.uncommitted")
