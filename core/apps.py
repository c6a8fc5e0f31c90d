from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app uses: images, files, months, cached links, file responses, the
    shape content models share and the admin's edit-conflict check. It imports none of
    the other apps."""

    name = "core"
    verbose_name = _("Grundlagen")
    default_auto_field = "django.db.models.BigAutoField"
