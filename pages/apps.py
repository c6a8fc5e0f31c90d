from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The site's own texts that editors write: the statutory pages and its identity."""

    name = "pages"
    verbose_name = _("Texte der Website")
