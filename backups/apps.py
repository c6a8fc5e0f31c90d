from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """The archive in one file and back: manage.py backup_archive and restore_archive."""

    name = "backups"
    verbose_name = _("Sicherungen")
