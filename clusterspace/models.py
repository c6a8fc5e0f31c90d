"""The site's own settings that editors change in the admin."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
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
            "Projektarchiv der Professur für Organisationstheorie, HSU Hamburg“."
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


class ContentVersion(models.Model):
    """One row: how often, and when last, the public content changed.

    Raised by every save, deletion and many-to-many change in ``projects``, ``people``,
    ``reports`` and ``clusterspace`` (``clusterspace.cache``); the page cache and the
    pages' ETag and Last-Modified are keyed on it, so a change shows on the next request
    on every worker of every app server.
    """

    # Bookkeeping, never shown to editors or visitors: the names stay untranslated.
    version = models.PositiveBigIntegerField("Version", default=0)
    changed_at = models.DateTimeField("Letzte Änderung", default=timezone.now)

    class Meta:
        verbose_name = "Inhaltsstand"
        verbose_name_plural = "Inhaltsstände"

    def __str__(self):
        return f"{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class Page(models.Model):
    """A page every public body owes its visitors, one per kind, edited in the admin.

    The body is plain text: paragraphs separated by a blank line, "## " before a
    heading, "- " before the items of a list; addresses (web, e-mail) become links and
    "[Platzhalter: …]" is marked for the editors (``clusterspace.pages.render_body``).
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


class LinkCheckQuerySet(models.QuerySet):
    def problems(self):
        """Addresses visitors see marked: broken or unreachable at the last check."""
        return self.filter(state__in=LinkCheck.PROBLEM_STATES)

    def moved(self):
        """Permanent redirects with a known new address: an editor can take it over."""
        return self.filter(state=LinkCheck.State.MOVED).exclude(new_url="")

    def counts(self):
        """{state: number of addresses}, in one query (the admin index)."""
        rows = self.order_by().values_list("state").annotate(number=models.Count("pk"))
        return dict(rows)


class LinkCheck(models.Model):
    """The state of one external address the site shows, as ``manage.py check_links``
    found it last (``clusterspace.links``)."""

    class State(models.TextChoices):
        WORKING = "working", _("erreichbar")
        MOVED = "moved", _("dauerhaft umgezogen")
        BROKEN = "broken", _("defekt")
        UNREACHABLE = "unreachable", _("nicht erreichbar")
        UNCHECKABLE = "uncheckable", _("nicht prüfbar")

    PROBLEM_STATES = (State.BROKEN, State.UNREACHABLE)

    url = models.CharField(_("Adresse"), max_length=2000)
    state = models.CharField(_("Zustand"), max_length=20, choices=State.choices)
    status = models.PositiveSmallIntegerField(_("HTTP-Status"), null=True, blank=True)
    redirects = models.JSONField(
        _("Weiterleitungen"),
        default=list,
        blank=True,
        help_text=_("Jede Weiterleitung mit ihrem Status und der Adresse, zu der sie führt."),
    )
    new_url = models.CharField(
        _("Neue Adresse"),
        max_length=2000,
        blank=True,
        help_text=_("Ziel einer dauerhaften Weiterleitung (301 oder 308)."),
    )
    error = models.CharField(_("Fehler"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("Zuletzt geprüft"))
    last_ok = models.DateTimeField(_("Zuletzt erreichbar"), null=True, blank=True)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        verbose_name = _("Linkprüfung")
        verbose_name_plural = _("Linkprüfungen")
        constraints = [
            models.UniqueConstraint(fields=["url"], name="linkcheck_unique_url"),
        ]

    def __str__(self):
        return f"{self.url} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("admin:clusterspace_linkcheck_change", args=[self.pk])


class SearchEntry(models.Model):
    """One public entry as the site-wide search finds it (``clusterspace.search``).

    Written only by ``clusterspace.search_index`` from the content models, whenever they
    change (signals) and by ``manage.py rebuild_search_index``: an entry exists only
    while what it stands for is public. The ``*_key`` columns hold the texts folded for
    matching (``search.key``); the rest is what a result shows. The database indexes
    them: on PostgreSQL a ``document`` tsvector column (filled by a trigger, GIN index)
    and a trigram index on ``folded``; on SQLite an FTS5 table with the trigram tokenizer
    over ``folded``, kept in step by triggers (migration ``0006_search_entry``).
    """

    class Kind(models.TextChoices):
        PROJECT = "project", _("Projekt")
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")
        REPORT = "report", _("Jahresbericht")
        INTERVIEW = "interview", _("Interview")
        PAGE = "page", _("Pflichtseite")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("Eintrag"))
    # Ties in the ranking: projects first, then organisations, people, reports …
    kind_order = models.PositiveSmallIntegerField(_("Reihenfolge der Art"), default=0)
    url_name = models.CharField(_("URL-Name"), max_length=100)
    url_kwargs = models.JSONField(_("URL-Parameter"), default=dict, blank=True)
    url_anchor = models.CharField(_("Anker"), max_length=50, blank=True)
    title_de = models.CharField(_("Titel (deutsch)"), max_length=500)
    title_en = models.CharField(_("Titel (englisch)"), max_length=500, blank=True)
    text_de = models.TextField(_("Text (deutsch)"), blank=True)
    text_en = models.TextField(_("Text (englisch)"), blank=True)
    details_de = models.CharField(_("Angaben (deutsch)"), max_length=500, blank=True)
    details_en = models.CharField(_("Angaben (englisch)"), max_length=500, blank=True)
    title_key_de = models.TextField(_("Suchschlüssel Titel (deutsch)"), blank=True)
    title_key_en = models.TextField(_("Suchschlüssel Titel (englisch)"), blank=True)
    names_key = models.TextField(_("Suchschlüssel Namen"), blank=True)
    text_key_de = models.TextField(_("Suchschlüssel Text (deutsch)"), blank=True)
    text_key_en = models.TextField(_("Suchschlüssel Text (englisch)"), blank=True)
    folded = models.TextField(_("Suchschlüssel gesamt"), blank=True)

    class Meta:
        ordering = ["kind_order", "title_de"]
        verbose_name = _("Sucheintrag")
        verbose_name_plural = _("Sucheinträge")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_entry"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title_de}"

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs=self.url_kwargs) + self.url_anchor
