"""Annual reports (PDF) and interviews that belong to projects."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.files import put_back
from core.models import Content, Publishable, PublishableQuerySet, missing_english
from core.reversing import reverse_cached
from people.models import Person, Role, refresh_index
from projects.models import Project

from .processing import FILE_FIELDS, delete_report_files_on_commit, report_files_saved
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


# A report's PDF lacks tags, a language or a title, or was never checked.
NOT_ACCESSIBLE = (
    Q(pdf_tagged=False) | Q(pdf_tagged__isnull=True) | Q(pdf_language="") | Q(pdf_title="")
)
# A published interview should have these in English too (the editors' start page).
INTERVIEW_ENGLISH_FIELDS = ("title", "headline", "teaser")


class AnnualReportQuerySet(PublishableQuerySet):
    def newest_first(self):
        """The reports list's order, read off ``report_list_order``: the newest
        year first, within a year by series in the order they were made. (Meta.ordering's
        series title would join the series to sort every report.)"""
        return self.order_by("-year", "series_id")

    def for_listing(self):
        return self.select_related("series").prefetch_related(
            Prefetch("projects", queryset=Project.objects.published())
        )

    def for_project_page(self):
        """A project's published reports; the page names each report, not its projects."""
        return self.published().select_related("series")

    def not_accessible(self):
        """Reports whose PDF lacks tags, a language or a title, or was never checked."""
        return self.filter(NOT_ACCESSIBLE)

    def accessible(self):
        return self.filter(pdf_tagged=True).exclude(pdf_language="").exclude(pdf_title="")


class AnnualReport(Content):
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
    # What a screen reader needs of the PDF, read on upload (``validators.read_accessibility``);
    # None: not checked yet (``manage.py check_report_pdfs``).
    pdf_tagged = models.BooleanField(
        _("Getaggtes PDF"),
        null=True,
        editable=False,
        help_text=_("Strukturbaum und „/MarkInfo“: Screenreader können den Inhalt gliedern."),
    )
    pdf_language = models.CharField(
        _("Sprache laut PDF"), max_length=35, blank=True, editable=False
    )
    pdf_title = models.CharField(_("Titel laut PDF"), max_length=300, blank=True, editable=False)
    is_placeholder = models.BooleanField(
        _("Platzhalter"),
        default=False,
        help_text=_("Die Datei ist ein Platzhalter; bitte durch den echten Bericht ersetzen."),
    )
    updated_at = models.DateTimeField(_("Letzte Änderung"), auto_now=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "series__title"]
        verbose_name = _("Jahresbericht")
        verbose_name_plural = _("Jahresberichte")
        # The list reads a page of the published reports, newest first (``newest_first``),
        # its keys from the index alone (with the id, for PostgreSQL). Partial: SQLite
        # writes ``published=True`` as the bare column, which an index does not serve
        # unless it is the index's condition.
        indexes = [
            models.Index(
                fields=["-year", "series", "id"],
                condition=Q(published=True),
                name="report_list_order",
            ),
            # The editors' start page counts these.
            models.Index(fields=["id"], condition=Q(published=False), name="report_drafts"),
            models.Index(
                fields=["id"], condition=Q(is_placeholder=True), name="report_placeholders"
            ),
            models.Index(fields=["id"], condition=NOT_ACCESSIBLE, name="report_not_accessible"),
        ]
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
    def accessibility_gaps(self):
        """What the PDF lacks for assistive technology, as short phrases for editors and
        the accessibility statement; empty when it is tagged and names language and title.
        """
        if self.pdf_tagged is None:
            return [_("noch nicht geprüft")]
        gaps = []
        if not self.pdf_tagged:
            gaps.append(_("nicht getaggt (kein Strukturbaum)"))
        if not self.pdf_language:
            gaps.append(_("keine Sprache angegeben"))
        if not self.pdf_title:
            gaps.append(_("kein Titel"))
        return gaps

    @property
    def has_cover(self):
        return bool(self.cover_webp and self.cover_fallback and self.cover_width)


@receiver(post_delete, sender=AnnualReport, dispatch_uid="reports.delete_report_files")
def _delete_report_files(sender, instance, **kwargs):
    """A deleted report's PDF and covers are kept aside once the deletion commits (also in
    bulk), for as long as its versions may restore it."""
    delete_report_files_on_commit(instance)


@receiver(post_save, sender=AnnualReport, dispatch_uid="reports.restore_report_files")
def _restore_report_files(sender, instance, raw=False, **kwargs):
    # A version restored from the history (saved raw) gets its kept files back.
    if raw:
        put_back(instance, FILE_FIELDS)


class ProjectReport(AnnualReport.projects.through):
    """A report of a project, as its row in the relation: the inline on the project's
    admin page shows it by the report's name, not as "AnnualReport_projects object"."""

    class Meta:
        proxy = True
        ordering = ["-annualreport__year", "pk"]
        verbose_name = _("Jahresbericht des Projekts")
        verbose_name_plural = _("Jahresberichte des Projekts")

    def __str__(self):
        return str(self.annualreport)

    def get_absolute_url(self):
        return self.annualreport.get_absolute_url()


class InterviewQuerySet(PublishableQuerySet):
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
        # The interviewees by a subquery, not a join with DISTINCT over the interviews.
        given = Interview.interviewees.through.objects.filter(person=person)
        return (
            self.filter(Q(interviewer=person) | Q(pk__in=given.values("interview")))
            .select_related("project", "interviewer")
            .prefetch_related("interviewees")
            .order_by("project__position", "position", "pk")
        )


class Interview(Publishable):
    ENGLISH_FIELDS = INTERVIEW_ENGLISH_FIELDS

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
    position = models.PositiveIntegerField(_("Position"), default=0)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["project", "position", "pk"]
        verbose_name = _("Interview")
        verbose_name_plural = _("Interviews")
        # The editors' start page counts these.
        indexes = [
            models.Index(fields=["id"], condition=Q(published=False), name="interview_drafts"),
            models.Index(
                fields=["id"],
                condition=missing_english(INTERVIEW_ENGLISH_FIELDS),
                name="interview_missing_english",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.project.get_absolute_url()}#interview-{self.pk}"


def _named_people(interview):
    """Ids of the people an interview names as stored: interviewer and interviewees."""
    interviewees = interview.interviewees.values_list("pk", flat=True) if interview.pk else []
    return {interview.interviewer_id, *interviewees} - {None}


@receiver(pre_save, sender=Interview, dispatch_uid="reports.remember_interview_people")
@receiver(pre_delete, sender=Interview, dispatch_uid="reports.remember_deleted_interview_people")
def _remember_interview_people(sender, instance, **kwargs):
    # Who the interview named before it changes: they are looked at anew after it
    # (``people.models.refresh_index``).
    stored = Interview.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance.previous_people = _named_people(stored) if stored else set()


@receiver(post_save, sender=Interview, dispatch_uid="reports.index_interview_people")
@receiver(post_delete, sender=Interview, dispatch_uid="reports.unindex_interview_people")
def _index_interview_people(sender, instance, **kwargs):
    people = getattr(instance, "previous_people", set())
    if kwargs["signal"] is post_save:
        people |= _named_people(instance)
    if people:
        refresh_index(Person.objects.filter(pk__in=people))


@receiver(m2m_changed, sender=Interview.interviewees.through, dispatch_uid="reports.interviewees")
def _index_interviewees(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        instance.cleared_people = (
            {instance.pk} if reverse else set(instance.interviewees.values_list("pk", flat=True))
        )
        return
    if action == "post_clear":
        people = instance.cleared_people
    elif action in ("post_add", "post_remove"):
        people = {instance.pk} if reverse else pk_set
    else:
        return
    if people:
        refresh_index(Person.objects.filter(pk__in=people))


def for_project_page(projects):
    """``projects`` with everything a project page shows: the project's own relations
    (``ProjectQuerySet.for_page``), its roles with their holders, its published reports
    and its published interviews with their interviewers and interviewees. Eight
    queries for one project, nine when it has interviews."""
    return projects.for_page().prefetch_related(
        Prefetch("roles", queryset=Role.objects.for_project_page()),
        Prefetch("reports", queryset=AnnualReport.objects.for_project_page()),
        Prefetch("interviews", queryset=Interview.objects.for_project_page()),
    )
