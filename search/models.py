"""The search index: one entry per public page a visitor can find (docs/search.md)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

# The texts an entry is found by, in the order of FTS5's columns: titles, names, texts.
SEARCHED = ("title_de", "title_en", "names", "text_de", "text_en")


class SearchEntry(models.Model):
    """What search finds and shows of a public entry (docs/search.md, "How it works")."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("Projekt")
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")
        REPORT = "report", _("Jahresbericht")
        INTERVIEW = "interview", _("Interview")
        PAGE = "page", _("Pflichtseite")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("Eintrag"))
    kind_order = models.PositiveSmallIntegerField(_("Reihenfolge der Art"), default=0)
    url_name = models.CharField(_("URL-Name"), max_length=100)
    url_kwargs = models.JSONField(_("URL-Parameter"), default=dict, blank=True)
    url_anchor = models.CharField(_("Anker"), max_length=50, blank=True)
    title_de = models.CharField(_("Titel (deutsch)"), max_length=500)
    title_en = models.CharField(_("Titel (englisch)"), max_length=500, blank=True)
    names = models.TextField(_("Namen"), blank=True)
    text_de = models.TextField(_("Text (deutsch)"), blank=True)
    text_en = models.TextField(_("Text (englisch)"), blank=True)
    details_de = models.CharField(_("Angaben (deutsch)"), max_length=500, blank=True)
    details_en = models.CharField(_("Angaben (englisch)"), max_length=500, blank=True)
    folded_title_de = models.CharField(max_length=501, blank=True)
    folded_title_en = models.CharField(max_length=501, blank=True)
    folded_names = models.TextField(blank=True)
    folded_text_de = models.TextField(blank=True)
    folded_text_en = models.TextField(blank=True)
    document = SearchVectorField(null=True)  # PostgreSQL only

    class Meta:
        ordering = ["kind_order", "title_de"]
        verbose_name = _("Sucheintrag")
        verbose_name_plural = _("Sucheinträge")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_entry"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title_de}"


class FTS5Table(models.TextField):
    """The hidden column an FTS5 table has under its own name: ``search_fts MATCH …``."""


@FTS5Table.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class SearchMatch(models.Model):
    """SQLite only: the FTS5 table over the entries' folded columns (migration 0001),
    joined to an entry by its row id."""

    entry = models.OneToOneField(
        SearchEntry, models.DO_NOTHING, primary_key=True, db_column="rowid", related_name="match"
    )
    fts = FTS5Table(db_column="search_fts")

    class Meta:
        managed = False
        db_table = "search_fts"
        ordering = ["entry"]
        verbose_name = verbose_name_plural = _("Treffer im Volltextindex")

    def __str__(self):
        return str(self.entry)
