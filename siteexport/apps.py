from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteExportConfig(AppConfig):
    """The whole public site as static files and as a web-archive file (manage.py
    export_site)."""

    name = "siteexport"
    verbose_name = _("Statische Kopie")
