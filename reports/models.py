"""Annual reports (PDF) and interviews that belong to projects."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.models import Person
from projects.models import Project


def report_upload_to(report, filename):
    """A clean, predictable name: jahresberichte/jahresbericht-hamburger-cluster-2022.pdf."""
    return f"jahresberichte/{report.file_stem}.pdf"


class ReportSeries(models.Model):
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzadresse (Slug)"), max_length=120, unique=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("Berichtsreihe")
        verbose_name_plural = _("Berichtsreihen")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('reports:list')}#{self.slug}"


class AnnualReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        return self if user.is_staff else self.published()

    def for_listing(self):
        return self.select_related("series").prefetch_related(
            Prefetch("projects", queryset=Project.objects.published())
        )


class AnnualReport(models.Model):
    series = models.ForeignKey(
        ReportSeries, on_delete=models.PROTECT, related_name="reports", verbose_name=_("Reihe")
    )
    year = models.PositiveSmallIntegerField(
        _("Jahr"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    projects = models.ManyToManyField(
        Project, related_name="reports", verbose_name=_("Projekte"), blank=True
    )
    file = models.FileField(_("PDF-Datei"), upload_to=report_upload_to, max_length=255)
    file_size = models.PositiveBigIntegerField(_("Dateigröße (Bytes)"), null=True, blank=True, editable=False)
    page_count = models.PositiveIntegerField(_("Seitenzahl"), null=True, blank=True, editable=False)
    is_placeholder = models.BooleanField(
        _("Platzhalter"),
        default=False,
        help_text=_("Die Datei ist ein Platzhalter; bitte durch den echten Bericht ersetzen."),
    )
    published = models.BooleanField(_("veröffentlicht"), default=False)
    updated_at = models.DateTimeField(_("Letzte Änderung"), auto_now=True)
    editor_notes = models.TextField(
        _("Recherchenotizen"),
        blank=True,
        help_text=_("Nur für die Redaktion sichtbar: Fakten aus anderen Quellen, mit Quelle."),
    )

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "series__title"]
        verbose_name = _("Jahresbericht")
        verbose_name_plural = _("Jahresberichte")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"], name="unique_report_per_series_and_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="report_year_in_range"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"series": self.series.slug, "year": self.year})

    def get_download_url(self):
        return reverse("reports:download", kwargs={"series": self.series.slug, "year": self.year})

    @property
    def title(self):
        return f"{self.series.title} {self.year}"

    @property
    def file_stem(self):
        from django.utils.text import slugify

        return slugify(f"{self.series.title_de or self.series.title} {self.year}")


class InterviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def for_listing(self):
        return self.select_related("interviewer").prefetch_related("interviewees")


class Interview(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("Projekt")
    )
    title = models.CharField(_("Titel"), max_length=200)
    headline = models.CharField(_("Überschrift"), max_length=300, blank=True)
    teaser = models.TextField(_("Anreißer"), blank=True)
    interviewer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interviews_conducted",
        verbose_name=_("Interviewerin / Interviewer"),
    )
    interviewees = models.ManyToManyField(
        Person, blank=True, related_name="interviews_given", verbose_name=_("Interviewte")
    )
    url = models.URLField(
        _("Link zum Interview"),
        blank=True,
        help_text=_("Leer lassen, solange der Link nicht bekannt ist: die Seite zeigt dann einen Hinweis."),
    )
    published = models.BooleanField(_("veröffentlicht"), default=False)
    position = models.PositiveIntegerField(_("Position"), default=0)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["project", "position", "pk"]
        verbose_name = _("Interview")
        verbose_name_plural = _("Interviews")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.project.get_absolute_url()}#interview-{self.pk}"
