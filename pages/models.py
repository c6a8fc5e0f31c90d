"""What the site says about itself, edited in the admin: the statutory pages and the
site's identity (the archive's name, the chair, its institution …)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel

from core.images import ImageSlot, RenditionSpec, image_slots_saved, validate_image_upload
from core.models import EditorNotes, PublishableQuerySet


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

    ENGLISH_FIELDS = ("title", "body")

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("Pflichtseite")
        verbose_name_plural = _("Pflichtseiten")

    def __str__(self):
        return self.title or self.get_slug_display()

    def get_absolute_url(self):
        return reverse(f"pages:{self.slug}")


# The logo in the site's header: at most 200 x 64 CSS pixels, drawn at twice that; PNG as
# the fallback keeps transparency (as an organisation's logo, ``projects.models.LOGO``).
IDENTITY_LOGO = ImageSlot(
    "logo",
    "identitaet",
    RenditionSpec(width=200, height=64, fallback="PNG", webp_lossless=True),
)

# "[Platzhalter: ... - bitte von der Redaktion ergänzen]", "[Placeholder: ...]": a fact the
# editors still have to fill in, marked so that nobody takes it for the real thing
# (``pages.views`` marks it on the pages).
PLACEHOLDER = re.compile(r"\[(?:Platzhalter|Placeholder):[^\]]*\]")


def validate_email_or_placeholder(value):
    """An e-mail address, or a marked placeholder until the editors know it."""
    if PLACEHOLDER.fullmatch(value.strip()):
        return
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            _("Bitte eine E-Mail-Adresse angeben (etwa „professur@example.org“)."),
            code="invalid",
        ) from None


class SiteIdentity(EditorNotes, SingletonModel):
    """Who the archive belongs to: one row, bilingual, edited in the admin.

    Every page, the error pages, feeds, JSON-LD, OpenGraph, the open data, the static
    export, mails, the link checker's user agent and nginx's error pages
    (``deploy/render.py``) read it; no template or catalogue names the chair. Its values
    come from the source page (``fixtures/identity.json``, which names its source in
    ``editor_notes``). Read with ``current()``, which never writes: django-solo's
    ``get_solo()`` would create an empty row on the first read.
    """

    name = models.CharField(
        _("Name des Archivs"),
        max_length=100,
        help_text=_(
            "Kurz, steht groß im Kopf jeder Seite und in den Titeln, etwa „Projektarchiv“."
        ),
    )
    chair = models.CharField(
        _("Professur"), max_length=200, help_text=_("Ihr Name, wie er auf jeder Seite steht.")
    )
    institution = models.CharField(
        _("Universität"),
        max_length=200,
        help_text=_("Die Einrichtung, zu der die Professur gehört."),
    )
    institution_url = models.URLField(
        _("Website der Universität"),
        blank=True,
        help_text=_("Erscheint in den strukturierten Daten (JSON-LD) für Suchmaschinen."),
    )
    head = models.CharField(
        _("Leitung der Professur"), max_length=200, help_text=_("Mit Titel, etwa „Prof. Dr. …“.")
    )
    postal_address = models.TextField(
        _("Postanschrift"),
        blank=True,
        help_text=_("Eine Zeile je Zeile der Anschrift; steht in der Fußzeile jeder Seite."),
    )
    contact_email = models.CharField(
        _("E-Mail-Adresse für Kontakt"),
        max_length=254,
        blank=True,
        validators=[validate_email_or_placeholder],
        help_text=_(
            "Steht in der Fußzeile und in der Kennung des Linkprüfers. Bis sie bekannt ist: "
            "„[Platzhalter: …]“."
        ),
    )
    logo = models.FileField(
        _("Logo"),
        upload_to="identitaet/original/",
        max_length=255,
        blank=True,
        validators=[validate_image_upload],
        help_text=_(
            "JPEG, PNG oder WebP; steht im Kopf jeder Seite neben dem Namen. Ohne Logo zeigt "
            "die Website nur den Namen."
        ),
    )
    logo_webp = models.FileField(_("Logo (WebP)"), max_length=255, blank=True, editable=False)
    logo_fallback = models.FileField(_("Logo (PNG)"), max_length=255, blank=True, editable=False)
    logo_width = models.PositiveSmallIntegerField(
        _("Logo: Breite (CSS-Pixel)"), null=True, blank=True, editable=False
    )
    logo_height = models.PositiveSmallIntegerField(
        _("Logo: Höhe (CSS-Pixel)"), null=True, blank=True, editable=False
    )
    description = models.TextField(
        _("Kurzbeschreibung der Website"),
        help_text=_("Ein Satz für Suchmaschinen und Vorschauen (meta description, OpenGraph)."),
    )
    introduction = models.TextField(
        _("Einleitung der Startseite"),
        help_text=_("Steht unter der Überschrift der Startseite."),
    )
    footer_lines = models.TextField(
        _("Weitere Zeilen der Fußzeile"),
        blank=True,
        help_text=_(
            "Unter Professur, Universität, Anschrift und E-Mail-Adresse; eine Zeile je Zeile. "
            "Web- und E-Mail-Adressen werden zu Links."
        ),
    )
    admin_header = models.CharField(
        _("Titel des Redaktionsbereichs"),
        max_length=200,
        help_text=_("Steht im Kopf jeder Seite der Redaktion."),
    )
    updated_at = models.DateTimeField(_("Letzte Änderung"), auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Identität der Website")
        verbose_name_plural = _("Identität der Website")

    def __str__(self):
        return self.name or str(_("Identität der Website"))

    def get_absolute_url(self):
        return reverse("admin:pages_siteidentity_change", args=[self.pk])

    def save(self, *args, **kwargs):
        # A new logo is stored without metadata, with its renditions (``core.images``).
        with image_slots_saved(self, [IDENTITY_LOGO], stem="logo", save_kwargs=kwargs):
            super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        """The saved identity, or an empty unsaved one; reading never writes."""
        return cls.objects.filter(pk=cls.singleton_instance_id).first() or cls()

    @property
    def has_logo(self):
        return bool(self.logo_webp and self.logo_fallback and self.logo_width)

    @property
    def title(self):
        """The archive's name with its chair, for titles that stand alone (feeds, data)."""
        return " – ".join(part for part in (self.name, self.chair) if part)

    @property
    def address_lines(self):
        return [line.strip() for line in self.postal_address.splitlines() if line.strip()]

    @property
    def footer_line_list(self):
        return [line.strip() for line in self.footer_lines.splitlines() if line.strip()]

    @property
    def contact_email_address(self):
        """The contact address, or "" while it is a placeholder."""
        email = self.contact_email.strip()
        return "" if not email or PLACEHOLDER.fullmatch(email) else email
