"""The state of every external address the site shows."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LinkCheckQuerySet(models.QuerySet):
    def problems(self):
        """Addresses visitors see marked: broken or unreachable at the last check."""
        return self.filter(state__in=LinkCheck.PROBLEM_STATES)

    def moved(self):
        """Permanent redirects with a known new address: an editor can take it over."""
        return self.filter(state=LinkCheck.State.MOVED).exclude(new_url="")

    def counts(self):
        """{state: number of addresses}, in one query (the editors' start page)."""
        rows = self.order_by().values_list("state").annotate(number=models.Count("pk"))
        return dict(rows)


class LinkCheck(models.Model):
    """The state of one external address the site shows, as ``manage.py check_links``
    found it last (``linkchecks.checks``)."""

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
        # The editors' start page counts the addresses by state.
        indexes = [models.Index(fields=["state"], name="linkcheck_by_state")]
        constraints = [
            models.UniqueConstraint(fields=["url"], name="linkcheck_unique_url"),
        ]

    def __str__(self):
        return f"{self.url} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("admin:linkchecks_linkcheck_change", args=[self.pk])
