from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every content app uses; it imports none of them."""

    name = "core"
    verbose_name = _("Grundlagen")
    default_auto_field = "django.db.models.BigAutoField"
