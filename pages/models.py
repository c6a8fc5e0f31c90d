"""The pages every public body owes its visitors, edited in the admin."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Page(models.Model):
    """A page every public body owes its visitors, one per kind, edited in the admin.

    The body is plain text: paragraphs separated by a blank line, "## " before a
    heading, "- " before the items of a list; addresses (web, e-mail) become links and
    "[Platzhalter: …]" is marked for the editors (``pages.views.render_body``).
    No HTML: whatever an editor types is shown as text.
    """

    class Kind(models.TextChoices):
        IMPRESSUM = "impressum", _("Impressum")
        DATENSCHUTZ = "datenschutz", _("Datenschutzerklärung")
        BARRIEREFREIHEIT = "barrierefreiheit", _("Erklärung zur Barrierefreiheit")
        LEICHTE_SPRACHE = "leichte-sprache", _("Leichte Sprache")

    slug = models.SlugField(
        _("Seite"),
        max_length=30,
        choices=Kind.choices,
        unique=True,
        help_text=_("Welche Pflichtseite dies ist; die Fußzeile jeder Seite verlinkt sie."),
    )
    title = models.CharField(_("Titel"), max_length=200)
    body = models.TextField(
        _("Text"),
        help_text=_(
            "Absätze durch eine Leerzeile trennen. Eine Zeile mit „## “ am Anfang wird eine "
            "Zwischenüberschrift, Zeilen mit „- “ am Anfang eine Aufzählung. Web- und "
            "E-Mail-Adressen werden zu Links. Unbekanntes als „[Platzhalter: …]“ markieren. "
            "Kein HTML."
        ),
    )
    published = models.BooleanField(
        _("veröffentlicht"),
        default=True,
        help_text=_(
            "Impressum, Datenschutzerklärung und Erklärung zur Barrierefreiheit sind Pflicht: "
            "die Fußzeile verlinkt sie immer."
        ),
    )
    updated_at = models.DateTimeField(_("Letzte Änderung"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("Pflichtseite")
        verbose_name_plural = _("Pflichtseiten")

    def __str__(self):
        return self.title or self.get_slug_display()

    def get_absolute_url(self):
        return reverse(f"pages:{self.slug}")
