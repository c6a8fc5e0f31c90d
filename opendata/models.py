"""The licence of the open-data downloads, edited in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_LICENCE_NAME = "CC BY 4.0"
DEFAULT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


class OpenDataLicence(models.Model):
    """The licence of the open-data downloads; one row, edited in the admin.

    Until an editor saves it, the page and the downloads name the default (CC BY 4.0);
    reading it never writes to the database.
    """

    name = models.CharField(
        _("Lizenz"),
        max_length=100,
        default=DEFAULT_LICENCE_NAME,
        help_text=_("Kurzname der Lizenz, etwa „CC BY 4.0“ oder „CC0 1.0“."),
    )
    url = models.URLField(
        _("Adresse des Lizenztexts"),
        default=DEFAULT_LICENCE_URL,
        help_text=_("Der vollständige Lizenztext, etwa auf creativecommons.org."),
    )
    attribution = models.TextField(
        _("Hinweis zur Namensnennung"),
        blank=True,
        help_text=_(
            "Erscheint auf der Seite „Offene Daten“ und in der JSON-Datei, etwa: „Quelle: "
            "Projektarchiv der Professur für …“."
        ),
    )
    updated_at = models.DateTimeField(_("Letzte Änderung"), auto_now=True)

    class Meta:
        verbose_name = _("Lizenz der offenen Daten")
        verbose_name_plural = _("Lizenz der offenen Daten")

    def __str__(self):
        return f"{self.name} ({self.url})"

    @classmethod
    def current(cls):
        """The saved licence, or the default one (unsaved) when none has been saved yet."""
        return cls.objects.order_by("pk").first() or cls()
