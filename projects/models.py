"""Projects, the organisations that fund them, and their external links.

People's roles (``people``) and annual reports and interviews (``reports``) point to
``Project``; this app neither imports those apps nor uses the reverse relations they
add. The pages that show them are composed in ``website``, the admin in ``editors``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.files import put_back
from core.identifiers import validate_grant_number
from core.images import (
    ImageSlot,
    RenditionSpec,
    image_slots_saved,
    keep_slot_files_aside_on_commit,
    validate_image_upload,
)
from core.models import Content, EditorNotes, PublishableQuerySet, missing_english
from core.months import YearMonth, format_span
from core.reversing import reverse_cached

MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]
YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


# A logo on the organisation's page: at most 240 x 96 CSS pixels, drawn at twice that;
# PNG as the fallback keeps transparency, lossless WebP keeps flat colours clean.
LOGO = ImageSlot(
    "logo",
    "organisationen",
    RenditionSpec(width=240, height=96, fallback="PNG", webp_lossless=True),
)


def _current_month_index():
    return YearMonth.today().index


# The projects an organisation's entry in the index names; its page lists them all.
INDEX_PROJECTS = 12

# A funding's name and short name as listed in German, the site's first language: an
# organisation's names are told apart by these (``Organisation.for_page``).
LISTED_NAME_FIELDS = ("name_as_listed_de", "short_name_as_listed_de")


def _count(rows, by):
    """The number of ``rows`` (filtered by ``OuterRef`` on ``by``), as a subquery."""
    return Coalesce(Subquery(rows.order_by().values(by).annotate(n=Count("pk")).values("n")), 0)


class OrganisationQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related("fundings__project")

    def with_public_projects(self):
        """Organisations that fund or partner at least one published project."""
        # EXISTS, not a join with DISTINCT: a funder of thousands of projects is one row,
        # found by its first published project.
        fundings = Funding.objects.filter(organisation=OuterRef("pk"), project__published=True)
        partners = Project.partners.through.objects.filter(
            organisation=OuterRef("pk"), project__published=True
        )
        return self.filter(Exists(fundings) | Exists(partners))

    def funding_public_projects(self):
        """Organisations that fund at least one published project (the filter's choices)."""
        return self.filter(
            Exists(Funding.objects.filter(organisation=OuterRef("pk"), project__published=True))
        )

    def for_index(self, shown=INDEX_PROJECTS):
        """The organisations index: each organisation of a published project, with
        whether it funds (``has_fundings``) or partners (``has_partners``) published
        projects, and whether more than ``shown`` of each (``many_fundings``,
        ``many_partners``): EXISTS with an offset looks at ``shown + 1`` rows at most,
        where counting would read each of a large funder's thousands of fundings.
        ``with_index_projects`` adds the projects to name."""
        fundings = Funding.objects.filter(
            organisation=OuterRef("pk"), project__published=True
        ).order_by()
        partners = Project.partners.through.objects.filter(
            organisation=OuterRef("pk"), project__published=True
        ).order_by()
        return self.annotate(
            has_fundings=Exists(fundings),
            has_partners=Exists(partners),
            many_fundings=Exists(fundings[shown:]),
            many_partners=Exists(partners[shown:]),
        ).filter(Q(has_fundings=True) | Q(has_partners=True))

    def for_page(self, published_only=True):
        """An organisation's page: whether it funds (``has_fundings``) and partners
        (``has_partners``) any project, published or not (one look-up each: the page
        does not look for the projects of a list it does not have), and the first and
        last of the names its fundings list it under, in the order of their German names
        (``first_name``, ``first_short_name``, ``last_name``, ``last_short_name``; of
        published projects unless ``published_only`` is off, for editors): read off
        ``funding_names`` at either end, they differ when it has a name history
        (``projects.history``) and are equal when it has one name, without reading its
        thousands of fundings."""
        fundings = Funding.objects.filter(organisation=OuterRef("pk")).order_by()
        partners = Project.partners.through.objects.filter(organisation=OuterRef("pk"))
        has_fundings, has_partners = Exists(fundings), Exists(partners)
        if published_only:
            fundings = fundings.filter(project__published=True)
        name, short_name = LISTED_NAME_FIELDS
        first = fundings.order_by(name, short_name)
        last = fundings.order_by(f"-{name}", f"-{short_name}")
        return self.annotate(
            has_fundings=has_fundings,
            has_partners=has_partners,
            first_name=Subquery(first.values(name)[:1]),
            first_short_name=Subquery(first.values(short_name)[:1]),
            last_name=Subquery(last.values(name)[:1]),
            last_short_name=Subquery(last.values(short_name)[:1]),
        )


def with_index_projects(organisations):
    """The organisations of a page of ``for_index()`` with the projects their entries
    name: ``public_fundings`` (with their projects) and ``public_partner_projects`` where
    there are at most ``INDEX_PROJECTS``, and empty lists where there are more (the entry
    then links the organisation's page, which lists them all). At most two queries:
    picking a few out of thousands of fundings per organisation would sort them all."""
    organisations = list(organisations)
    few_fundings = [org for org in organisations if org.has_fundings and not org.many_fundings]
    few_partners = [org for org in organisations if org.has_partners and not org.many_partners]
    prefetch_related_objects(
        few_fundings,
        Prefetch(
            "fundings",
            queryset=Funding.objects.filter(project__published=True)
            .select_related("project")
            .order_by("-project__start_year", "-project__start_month", "kind"),
            to_attr="public_fundings",
        ),
    )
    prefetch_related_objects(
        few_partners,
        Prefetch(
            "partner_projects",
            queryset=Project.objects.published(),
            to_attr="public_partner_projects",
        ),
    )
    for org in organisations:  # the others: their entries link their pages
        if org not in few_fundings:
            org.public_fundings = []
        if org not in few_partners:
            org.public_partner_projects = []
    return organisations


class Organisation(EditorNotes):
    """A funder, commissioning body or partner organisation."""

    name = models.CharField(_("Name"), max_length=300)
    short_name = models.CharField(_("Kurzname"), max_length=50, blank=True)
    slug = models.SlugField(_("Kurzadresse (Slug)"), max_length=120, unique=True)
    website = models.URLField(_("Website"), blank=True)
    crossref_funder_id = models.CharField(
        _("Crossref Funder ID"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(r"^10\.13039/\d+$", _("Format: 10.13039/ gefolgt von Ziffern."))
        ],
        help_text=_("Zum Beispiel 10.13039/501100008530"),
    )
    ror_id = models.URLField(
        _("ROR-ID"),
        blank=True,
        validators=[
            RegexValidator(
                r"^https://ror\.org/0[a-z0-9]{8}$", _("Format: https://ror.org/ und neun Zeichen.")
            )
        ],
        help_text=_("Zum Beispiel https://ror.org/04pz7b180"),
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    logo = models.FileField(
        _("Logo"),
        upload_to="organisationen/original/",
        max_length=255,
        blank=True,
        validators=[validate_image_upload],
        help_text=_(
            "JPEG, PNG oder WebP, von der Organisation selbst bezogen (Markenrecht: keine "
            "nachgezeichneten Logos). Ohne Logo zeigt die Website den Namen als Text."
        ),
    )
    logo_alt = models.CharField(
        _("Alternativtext des Logos"),
        max_length=200,
        blank=True,
        help_text=_("Pflicht zu einem Logo: was es zeigt, meist der Name, etwa „Logo der DFG“."),
    )
    logo_webp = models.FileField(_("Logo (WebP)"), max_length=255, blank=True, editable=False)
    logo_fallback = models.FileField(_("Logo (PNG)"), max_length=255, blank=True, editable=False)
    logo_width = models.PositiveSmallIntegerField(
        _("Logo: Breite (CSS-Pixel)"), null=True, blank=True, editable=False
    )
    logo_height = models.PositiveSmallIntegerField(
        _("Logo: Höhe (CSS-Pixel)"), null=True, blank=True, editable=False
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        indexes = [models.Index(fields=["name"], name="organisation_by_name")]

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def save(self, *args, **kwargs):
        # A new logo is stored without metadata, with its renditions; replaced files go
        # after the commit (``images``).
        with image_slots_saved(self, [LOGO], stem=self.slug, save_kwargs=kwargs):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_cached("projects:organisation", slug=self.slug)

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.logo and not self._logo_alt_default():
            # The field the editor fills in: the default language's, once translated.
            field = f"logo_alt_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
            if not hasattr(self, field):
                field = "logo_alt"
            raise ValidationError(
                {field: _("Bitte einen Alternativtext für das Logo angeben, etwa „Logo der DFG“.")}
            )

    @property
    def has_logo(self):
        return bool(self.logo_webp and self.logo_fallback and self.logo_width)

    def _logo_alt_default(self):
        language = getattr(settings, "MODELTRANSLATION_DEFAULT_LANGUAGE", "")
        return (getattr(self, f"logo_alt_{language}", None) or self.logo_alt or "").strip()

    @property
    def crossref_url(self):
        return f"https://doi.org/{self.crossref_funder_id}" if self.crossref_funder_id else ""


@receiver(post_delete, sender=Organisation, dispatch_uid="projects.delete_organisation_logo")
def _delete_organisation_logo(sender, instance, **kwargs):
    keep_slot_files_aside_on_commit(instance, [LOGO])


@receiver(post_save, sender=Organisation, dispatch_uid="projects.restore_organisation_logo")
def _restore_organisation_logo(sender, instance, raw=False, **kwargs):
    # A version restored from the history (saved raw) gets its kept logo back.
    if raw:
        put_back(instance, LOGO.file_fields)


class ProjectQuerySet(PublishableQuerySet):
    def with_month_indexes(self):
        return self.annotate(
            start_index=F("start_year") * 12 + F("start_month") - 1,
            end_index=F("end_year") * 12 + F("end_month") - 1,
        )

    def ongoing(self):
        now = _current_month_index()
        return self.with_month_indexes().filter(
            Q(start_index__lte=now) & (Q(end_index__gte=now) | Q(end_year__isnull=True))
        )

    def completed(self):
        return self.with_month_indexes().filter(end_index__lt=_current_month_index())

    def planned(self):
        return self.with_month_indexes().filter(start_index__gt=_current_month_index())

    def funded_by(self, organisation):
        """The projects ``organisation`` funds. EXISTS, not a join: a page of them, newest
        first, is read off ``project_newest_first``, testing each project in turn."""
        return self.filter(
            Exists(Funding.objects.filter(project=OuterRef("pk"), organisation=organisation))
        )

    def partnered_by(self, organisation):
        """The projects ``organisation`` is a partner in, read like ``funded_by``."""
        partners = Project.partners.through.objects.filter(
            project=OuterRef("pk"), organisation=organisation
        )
        return self.filter(Exists(partners))

    def newest_first(self):
        """The newest project first, in a total order: ``project_newest_first``."""
        return self.order_by("-start_year", "-start_month", "-pk")

    def year_span(self, today=None):
        """(first year, last year) in which these projects run, an open end counting as
        this year; None when there are none. Three queries, each read off an index
        (``project_start_year``, ``project_end_year``) whatever the archive's size: one
        aggregate with all three would read every project."""
        first = self.aggregate(first=Min("start_year"))["first"]
        if first is None:
            return None
        last = self.aggregate(last=Max("end_year"))["last"] or first
        if self.filter(end_year__isnull=True).exists():
            last = max(last, (today or YearMonth.today()).year)
        return first, last

    def for_listing(self):
        """What the overview shows of each project: its funders' names as listed, in one
        extra query (the cards name them without linking the organisations)."""
        return self.prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.in_project_order())
        )

    def for_page(self):
        """What a project page shows of this app's data, in a fixed number of queries.

        The page also shows roles, reports and interviews, which other apps own:
        ``website.views`` adds them.
        """
        return self.select_related("predecessor").prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.for_project()),
            # Sorted by the project's id rather than Meta.ordering's "project", which would
            # join the project table only to sort by its ordering; a prefetch groups rows
            # by project anyway.
            Prefetch("links", queryset=ProjectLink.objects.order_by("project_id", "position")),
            "partners",
            Prefetch("successors", queryset=Project.objects.published()),
        )


# A published project should have these in English too (the editors' start page).
PROJECT_ENGLISH_FIELDS = ("title", "description")


class Project(Content):
    ENGLISH_FIELDS = PROJECT_ENGLISH_FIELDS

    class Status(models.TextChoices):
        PLANNED = "geplant", _("geplant")
        ONGOING = "laufend", _("laufend")
        COMPLETED = "abgeschlossen", _("abgeschlossen")

    code = models.CharField(
        _("Projektnummer"),
        max_length=10,
        blank=True,
        help_text=_("Etwa „P04“. Leer lassen, wenn das Projekt keine Nummer trägt."),
    )
    title = models.CharField(_("Titel"), max_length=300)
    subtitle = models.CharField(_("Untertitel"), max_length=500, blank=True)
    acronym = models.CharField(_("Akronym"), max_length=30, blank=True)
    slug = models.SlugField(_("Kurzadresse (Slug)"), max_length=120, unique=True)
    description = models.TextField(
        _("Beschreibung"), help_text=_("Absätze durch eine Leerzeile trennen.")
    )
    start_year = models.PositiveSmallIntegerField(_("Beginn (Jahr)"), validators=YEAR_VALIDATORS)
    start_month = models.PositiveSmallIntegerField(_("Beginn (Monat)"), validators=MONTH_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(
        _("Ende (Jahr)"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_month = models.PositiveSmallIntegerField(
        _("Ende (Monat)"), null=True, blank=True, validators=MONTH_VALIDATORS
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("Vorgängerprojekt"),
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_projects",
        verbose_name=_("Partnerorganisationen"),
    )
    # ``Content``'s field, with a word for the editors.
    published = models.BooleanField(
        _("veröffentlicht"),
        default=False,
        help_text=_("Nur veröffentlichte Projekte sind öffentlich sichtbar."),
    )
    position = models.PositiveIntegerField(
        _("Position"), default=0, help_text=_("Reihenfolge in der Liste; kleinere Zahlen zuerst.")
    )
    updated_at = models.DateTimeField(_("Letzte Änderung"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-start_year", "-start_month"]
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="unique_project_code"
            ),
            models.CheckConstraint(
                condition=Q(start_month__gte=1, start_month__lte=12),
                name="project_start_month_in_range",
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=1, end_month__lte=12),
                name="project_end_month_in_range",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True, end_month__isnull=True)
                | Q(end_year__isnull=False, end_month__isnull=False),
                name="project_end_year_and_month_together",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(end_year__gt=F("start_year"))
                | Q(end_year=F("start_year"), end_month__gte=F("start_month")),
                name="project_end_not_before_start",
            ),
        ]
        # The lists read one page in these orders: an index spares sorting the archive.
        indexes = [
            models.Index(
                fields=["position", "-start_year", "-start_month"],
                name="project_listing_order",
            ),
            models.Index(
                fields=["-start_year", "-start_month", "-id"],
                name="project_newest_first",
            ),
            # The published ones alone (SQLite writes ``published=True`` as the bare
            # column, which an index does not serve unless it is the index's condition):
            # an organisation's page skips earlier pages without reading their rows.
            models.Index(
                fields=["-start_year", "-start_month", "-id"],
                condition=Q(published=True),
                name="project_published_newest",
            ),
            # Whether a project of a partner or funding row is published, answered from
            # the index alone: PostgreSQL then tests an organisation's partners by its
            # own index instead of walking every published project (docs/performance.md).
            models.Index(fields=["id"], condition=Q(published=True), name="project_published_ids"),
            # Counting the published projects and their first and last years.
            models.Index(fields=["published", "start_year"], name="project_start_year"),
            models.Index(fields=["published", "end_year"], name="project_end_year"),
            # The editors' start page counts these (drafts use project_start_year).
            models.Index(
                fields=["id"],
                condition=missing_english(PROJECT_ENGLISH_FIELDS),
                name="project_missing_english",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}" if self.code else self.title

    def get_absolute_url(self):
        return reverse_cached("projects:detail", slug=self.slug)

    @property
    def start(self):
        return YearMonth(self.start_year, self.start_month)

    @property
    def end(self):
        if self.end_year is None:
            return None
        return YearMonth(self.end_year, self.end_month)

    @property
    def duration(self):
        return format_span(self.start, self.end)

    @property
    def status(self):
        now = YearMonth.today()
        if self.start > now:
            return self.Status.PLANNED
        if self.end is None or self.end >= now:
            return self.Status.ONGOING
        return self.Status.COMPLETED

    @property
    def paragraphs(self):
        return [p.strip() for p in self.description.split("\n\n") if p.strip()]

    @property
    def teaser(self):
        paragraphs = self.paragraphs
        return Truncator(paragraphs[0]).words(40) if paragraphs else ""

    def clean(self):
        from django.core.exceptions import ValidationError

        if (self.end_year is None) != (self.end_month is None):
            raise ValidationError(
                _("Bitte beim Ende Jahr und Monat angeben oder beide leer lassen.")
            )
        has_both_ends = self.end_year is not None and self.start_year and self.start_month
        if has_both_ends and (self.end_year, self.end_month) < (self.start_year, self.start_month):
            raise ValidationError({"end_year": _("Das Ende liegt vor dem Beginn.")})


class FundingQuerySet(models.QuerySet):
    def in_project_order(self):
        """Meta.ordering's order within each project, for a prefetch: sorted by the
        project's id instead of "project", which would join the project table to sort by
        its ordering.
        """
        return self.order_by("project_id", "kind", "position")

    def for_project(self):
        """A project's fundings with their organisations (the project page links them)."""
        return self.in_project_order().select_related("organisation")

    def for_organisation_page(self):
        """Fundings with their projects, the newest project first (an organisation's page,
        in the order of ``Project.objects.funded_by``)."""
        return self.select_related("project", "organisation").order_by(
            "-project__start_year", "-project__start_month", "-project_id", "pk"
        )


class Funding(models.Model):
    """An organisation's funding of, or commission for, a project, under its name of the time."""

    class Kind(models.TextChoices):
        FUNDER = "foerderer", _("Förderer")
        COMMISSIONER = "auftraggeber", _("Auftraggeber")

    class EUProgramme(models.TextChoices):
        NONE = "", _("keine EU-Förderung")
        EFRE_2014_2020 = "efre-2014-2020", _("EFRE, Förderperiode 2014–2020")
        EFRE_2021_2027 = "efre-2021-2027", _("EFRE, Förderperiode 2021–2027")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("Projekt")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="fundings",
        verbose_name=_("Organisation"),
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.FUNDER)
    name_as_listed = models.CharField(
        _("Name wie genannt"),
        max_length=300,
        help_text=_("Der Name der Organisation zur Zeit der Förderung."),
    )
    short_name_as_listed = models.CharField(_("Kurzname wie genannt"), max_length=50, blank=True)
    grant_number = models.CharField(
        _("Förderkennzeichen"),
        max_length=60,
        blank=True,
        validators=[validate_grant_number],
        help_text=_("Wie im Zuwendungsbescheid, etwa 03IHS024A; leer, solange unbekannt."),
    )
    eu_programme = models.CharField(
        _("EU-Förderperiode"),
        max_length=20,
        choices=EUProgramme.choices,
        blank=True,
        default=EUProgramme.NONE,
        help_text=_("Bestimmt, welcher EU-Hinweis auf der Projektseite erscheint."),
    )
    position = models.PositiveIntegerField(_("Position"), default=0)

    objects = FundingQuerySet.as_manager()

    class Meta:
        ordering = ["project", "kind", "position"]
        verbose_name = _("Förderung")
        verbose_name_plural = _("Förderungen")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "kind"], name="unique_funding_per_kind"
            ),
        ]
        # An organisation's first and last name as listed (``Organisation.for_page``).
        indexes = [models.Index(fields=["organisation", *LISTED_NAME_FIELDS], name="funding_names")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.display_name}"

    def get_absolute_url(self):
        return self.organisation.get_absolute_url()

    @property
    def display_name(self):
        if self.short_name_as_listed:
            return f"{self.name_as_listed} ({self.short_name_as_listed})"
        return self.name_as_listed


class ProjectLink(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="links", verbose_name=_("Projekt")
    )
    label = models.CharField(_("Bezeichnung"), max_length=200)
    url = models.URLField(_("Adresse (URL)"))
    position = models.PositiveIntegerField(_("Position"), default=0)

    class Meta:
        ordering = ["project", "position"]
        verbose_name = _("Link")
        verbose_name_plural = _("Links")

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return self.url
