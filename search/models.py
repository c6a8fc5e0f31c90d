"""The search index's entries."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One public entry as the site-wide search finds it (``search.query``).

    Written only by ``search.index`` from the content models, whenever they
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
