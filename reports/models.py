"""Annual reports (PDF) and interviews that belong to projects."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from people.models import Person
from projects.models import Project
from projects.reversing import reverse_cached

from .processing import delete_report_files_on_commit, report_files_saved
from .validators import validate_report_pdf

# Umlauts as a German reader writes them in a file name ("Größe" → "groesse").
GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


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

    def for_project_page(self):
        """A project's published reports; the page names each report, not its projects."""
        return self.published().select_related("series")


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
    file = models.FileField(
        _("PDF-Datei"),
        upload_to=report_upload_to,
        max_length=255,
        validators=[validate_report_pdf],
        help_text=_(
            "Nur unverschlüsselte PDF-Dateien. Gespeichert unter einem Namen wie "
            "„jahresbericht-hamburger-cluster-2022.pdf“; Seitenzahl, Größe und Titelbild "
            "werden beim Hochladen gelesen."
        ),
    )
    file_size = models.PositiveBigIntegerField(
        _("Dateigröße (Bytes)"), null=True, blank=True, editable=False
    )
    page_count = models.PositiveIntegerField(_("Seitenzahl"), null=True, blank=True, editable=False)
    file_sha256 = models.CharField(
        _("SHA-256 der Datei"), max_length=64, blank=True, editable=False
    )
    # The first page, drawn when the file is uploaded (``processing.COVER_SPEC``).
    cover_webp = models.FileField(_("Titelbild (WebP)"), max_length=255, blank=True, editable=False)
    cover_fallback = models.FileField(
        _("Titelbild (JPEG)"), max_length=255, blank=True, editable=False
    )
    cover_width = models.PositiveSmallIntegerField(
        _("Titelbild: Breite (CSS-Pixel)"), null=True, blank=True, editable=False
    )
    cover_height = models.PositiveSmallIntegerField(
        _("Titelbild: Höhe (CSS-Pixel)"), null=True, blank=True, editable=False
    )
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

    def save(self, *args, **kwargs):
        # A new upload is stored under its clean name with its covers and metadata; the
        # files it replaces are removed after the commit (``processing``).
        with report_files_saved(self, kwargs):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_cached("reports:detail", series=self.series.slug, year=self.year)

    def get_download_url(self):
        return reverse_cached("reports:download", series=self.series.slug, year=self.year)

    @property
    def title(self):
        return f"{self.series.title} {self.year}"

    @property
    def file_stem(self):
        """ "jahresbericht-hamburger-cluster-2022": the file's name, from the German title."""
        title = (self.series.title_de or self.series.title).translate(GERMAN_TRANSLITERATION)
        return slugify(f"{title} {self.year}")

    @property
    def filename(self):
        """The name a visitor's browser saves the download under."""
        return f"{self.file_stem}.pdf"

    @property
    def has_cover(self):
        return bool(self.cover_webp and self.cover_fallback and self.cover_width)


@receiver(post_delete, sender=AnnualReport, dispatch_uid="reports.delete_report_files")
def _delete_report_files(sender, instance, **kwargs):
    """A deleted report's PDF and covers go once the deletion commits (also in bulk)."""
    delete_report_files_on_commit(instance)


class InterviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def on_published_projects(self):
        """Published interviews on published projects: what visitors see of a person."""
        return self.published().filter(project__published=True)

    def for_listing(self):
        return self.select_related("interviewer").prefetch_related("interviewees")

    def for_project_page(self):
        """A project's published interviews, for a prefetch: Meta.ordering with the
        project's id instead of "project" (which would join the project table to sort by
        its ordering), the same order within each project."""
        return self.published().for_listing().order_by("project_id", "position", "pk")

    def with_person(self, person):
        """The interviews ``person`` gave or conducted, on a person's page: with their
        projects, interviewers and interviewees, in the projects' order."""
        return (
            self.filter(Q(interviewer=person) | Q(interviewees=person))
            .distinct()
            .select_related("project", "interviewer")
            .prefetch_related("interviewees")
            .order_by("project__position", "position", "pk")
        )


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
        help_text=_(
            "Leer lassen, solange der Link nicht bekannt ist: die Seite zeigt dann einen Hinweis."
        ),
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
