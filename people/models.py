"""People and the roles they hold on projects."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.files import put_back
from core.identifiers import validate_orcid
from core.images import (
    ImageSlot,
    RenditionSpec,
    image_slots_saved,
    keep_slot_files_aside_on_commit,
    validate_image_upload,
)
from core.reversing import reverse_cached
from core.signals import content_changed
from projects.models import Project

from . import sorting

# The portrait on a person's page: at most 160 x 200 CSS pixels, drawn at twice that.
PHOTO = ImageSlot("photo", "personen", RenditionSpec(width=160, height=200, fallback="JPEG"))


def join_name(title_before, given_name, family_name, title_after):
    """ "Dipl.-Päd. Julia Alrutz, M.Sc." as the source writes names."""
    name = " ".join(part for part in (title_before, given_name, family_name) if part)
    return f"{name}, {title_after}" if title_after else name


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People named on a published project or in a published interview."""
        # EXISTS, not joins with DISTINCT: a look-up per person (a person's page, the
        # people index's entries of a few people, ``refresh_index``). Interviews (of
        # ``reports``) are reached by their relation.
        interview = self.model._meta.get_field("interviews_conducted").related_model
        public_interviews = interview.objects.filter(published=True, project__published=True)
        return self.filter(
            Exists(Role.objects.filter(person=OuterRef("pk"), project__published=True))
            | Exists(public_interviews.filter(interviewees=OuterRef("pk")))
            | Exists(public_interviews.filter(interviewer=OuterRef("pk")))
        )

    def with_public_roles(self):
        """People who hold a role on a published project (the filter's choices)."""
        return self.filter(
            Exists(Role.objects.filter(person=OuterRef("pk"), project__published=True))
        )

    def for_listing(self):
        """Each person's roles on published projects, the newest project first."""
        return self.prefetch_related(Prefetch("roles", queryset=Role.objects.for_person_page()))

    def in_index(self):
        """The people of the people index with their entries (``IndexEntry``):
        ``public()``, as stored."""
        return self.filter(index_entry__isnull=False).select_related("index_entry")


def listed_roles(lookup="roles"):
    """The roles an entry of the people index names (``RoleQuerySet.for_people_index``),
    as a Prefetch of ``lookup``."""
    return Prefetch(lookup, queryset=Role.objects.for_people_index())


class Person(models.Model):
    class Group(models.TextChoices):
        TEAM = "team", _("Team der Professur")
        FORMER = "ehemalige", _("Ehemalige")
        PARTNER = "partner", _("Partner und Gäste")

    title_before = models.CharField(
        _("Titel vor dem Namen"), max_length=60, blank=True, help_text=_("Etwa „Prof. Dr.“")
    )
    given_name = models.CharField(_("Vorname"), max_length=100)
    family_name = models.CharField(_("Nachname"), max_length=100)
    title_after = models.CharField(
        _("Titel nach dem Namen"), max_length=60, blank=True, help_text=_("Etwa „M.Sc.“")
    )
    slug = models.SlugField(_("Kurzadresse (Slug)"), max_length=120, unique=True)
    affiliation = models.CharField(_("Zugehörigkeit"), max_length=200, blank=True)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("Nur die Kennung, etwa 0000-0002-1825-0097; die Website verlinkt sie."),
    )
    group = models.CharField(
        _("Gruppe"),
        max_length=20,
        choices=Group.choices,
        default=Group.PARTNER,
        help_text=_("Bestimmt die Reihenfolge im Personenverzeichnis."),
    )
    photo = models.FileField(
        _("Foto"),
        upload_to="personen/original/",
        max_length=255,
        blank=True,
        validators=[validate_image_upload],
        help_text=_(
            "JPEG, PNG oder WebP. Beim Speichern wird das Bild aufgerichtet, von Metadaten "
            "(etwa GPS-Position) befreit und in den Größen der Website abgelegt. Nur mit "
            "Einverständnis der Person."
        ),
    )
    photo_webp = models.FileField(_("Foto (WebP)"), max_length=255, blank=True, editable=False)
    photo_fallback = models.FileField(_("Foto (JPEG)"), max_length=255, blank=True, editable=False)
    photo_width = models.PositiveSmallIntegerField(
        _("Foto: Breite (CSS-Pixel)"), null=True, blank=True, editable=False
    )
    photo_height = models.PositiveSmallIntegerField(
        _("Foto: Höhe (CSS-Pixel)"), null=True, blank=True, editable=False
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        # Lists by name read a page off the index instead of sorting everyone.
        indexes = [models.Index(fields=["family_name", "given_name"], name="person_by_name")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        # A new photo is stored without metadata, with its renditions; replaced files go
        # after the commit (``core.images``).
        with image_slots_saved(self, [PHOTO], stem=self.slug, save_kwargs=kwargs):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_cached("people:detail", slug=self.slug)

    @property
    def has_photo(self):
        return bool(self.photo_webp and self.photo_fallback and self.photo_width)

    @property
    def full_name(self):
        return join_name(self.title_before, self.given_name, self.family_name, self.title_after)

    @property
    def orcid_url(self):
        """The ORCID iD as ORCID asks it to be shown: its https address."""
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    @property
    def plain_name(self):
        return f"{self.given_name} {self.family_name}"


@receiver(post_delete, sender=Person, dispatch_uid="people.delete_person_photo")
def _delete_person_photo(sender, instance, **kwargs):
    keep_slot_files_aside_on_commit(instance, [PHOTO])


@receiver(post_save, sender=Person, dispatch_uid="people.restore_person_photo")
def _restore_person_photo(sender, instance, raw=False, **kwargs):
    # A version restored from the history (saved raw) gets its kept photo back.
    if raw:
        put_back(instance, PHOTO.file_fields)


class RoleKind(models.Model):
    """Koordination, Leitung, Bearbeitung …; editors can add kinds."""

    name = models.CharField(_("Bezeichnung"), max_length=150)
    slug = models.SlugField(_("Kurzadresse (Slug)"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("Position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("Rollenart")
        verbose_name_plural = _("Rollenarten")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('people:index')}#{self.slug}"


class RoleQuerySet(models.QuerySet):
    def for_project_page(self):
        # Meta.ordering, with the project's id instead of "project" (which joins the
        # project table to sort by its ordering): the same order within each project;
        # roles of one kind at one position keep the order they were entered in.
        return self.select_related("person", "kind").order_by(
            "project_id", "kind__position", "is_former", "position", "pk"
        )

    def for_person_page(self):
        """Roles on published projects with their project and kind, the newest first."""
        return (
            self.filter(project__published=True)
            .select_related("project", "kind")
            .order_by("-project__start_year", "-project__start_month", "kind__position", "position")
        )

    def for_people_index(self):
        """``for_person_page()`` with only what an entry of the people index shows: each
        project's number or title and the kind's name, not the projects' texts (a page
        of 100 people may name hundreds of projects)."""
        return self.for_person_page().only(
            "person",
            "is_former",
            "project__code",
            "project__title",
            "project__title_de",
            "project__title_en",
            "kind__name",
            "kind__name_de",
            "kind__name_en",
        )

    def current(self):
        return self.filter(is_former=False)

    def former(self):
        return self.filter(is_former=True)


class Role(models.Model):
    """A person's role on a project, as the project lists it.

    ``person`` empty means an unnamed holder ("N.N."). ``is_former`` marks holders the
    source names in parentheses after the current ones.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="roles", verbose_name=_("Projekt")
    )
    kind = models.ForeignKey(
        RoleKind, on_delete=models.PROTECT, related_name="roles", verbose_name=_("Rollenart")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("Person"),
        help_text=_("Leer lassen für eine unbesetzte oder ungenannte Stelle (N.N.)."),
    )
    is_former = models.BooleanField(
        _("ehemals"),
        default=False,
        help_text=_("Frühere Inhaberin oder früherer Inhaber der Rolle."),
    )
    title_before_as_listed = models.CharField(
        _("Titel vor dem Namen, wie genannt"),
        max_length=60,
        blank=True,
        help_text=_("Nur ausfüllen, wenn das Projekt andere Titel nennt als die Person."),
    )
    title_after_as_listed = models.CharField(
        _("Titel nach dem Namen, wie genannt"),
        max_length=60,
        blank=True,
        help_text=_("Nur ausfüllen, wenn das Projekt andere Titel nennt als die Person."),
    )
    affiliation_as_listed = models.CharField(
        _("Zugehörigkeit, wie genannt"),
        max_length=200,
        blank=True,
        help_text=_("Etwa „HSU“ oder „ZEMI Berlin“."),
    )
    position = models.PositiveIntegerField(_("Position"), default=0)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["project", "kind__position", "is_former", "position"]
        verbose_name = _("Rolle")
        verbose_name_plural = _("Rollen")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "person"],
                condition=Q(person__isnull=False),
                name="unique_role_per_person_and_kind",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.holder_name}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    @property
    def holder_name(self):
        """The name with the titles this project lists; "N.N." for an unnamed holder."""
        if self.person is None:
            return "N.N."
        return join_name(
            self.title_before_as_listed or self.person.title_before,
            self.person.given_name,
            self.person.family_name,
            self.title_after_as_listed or self.person.title_after,
        )


class IndexEntryQuerySet(models.QuerySet):
    def filed_under(self, initial):
        """The entries of one letter of the index (``sorting``: a–z or ``OTHER``)."""
        return self.filter(initial=initial)

    def for_listing(self):
        """The entries with their people and what the index shows of them."""
        return self.select_related("person").prefetch_related(listed_roles("person__roles"))

    def initials(self):
        """The initials under which these entries are filed, as a set, in one query: the
        first entry under each initial, one look-up in ``index_entry_order`` each. (The
        first entry in the index's order, not EXISTS: PostgreSQL would scan the table
        for a row of a letter, which a grown archive keeps far from its start. The look-
        ups are the columns of a one-row query on this table, which has a row whenever
        any of them finds one.)"""
        letters = [*sorting.LETTERS, sorting.OTHER]
        firsts = {
            f"initial_{n}": Subquery(self.filed_under(letter).values("pk")[:1])
            for n, letter in enumerate(letters)
        }
        row = self.model.objects.order_by().values(**firsts).first()
        return {letter for n, letter in enumerate(letters) if row and row[f"initial_{n}"]}


class IndexEntry(models.Model):
    """A person's entry in the people index: there while ``Person.objects.public()``
    holds for them, with the keys the index orders and files them by (``sorting``).

    Kept in step by ``refresh_index`` whenever a person, a role, a project or (in
    ``reports``) an interview changes. The index reads a letter's page, whether a letter
    has anyone and whether everyone fits on one page off ``index_entry_order`` alone,
    instead of looking up each person's roles and interviews (which PostgreSQL hashes in
    full before it reads the first person). A table of its own, so that the person's row
    changes only when an editor changes it.
    """

    person = models.OneToOneField(
        Person,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="index_entry",
        verbose_name=_("Person"),
    )
    initial = models.CharField(_("Anfangsbuchstabe"), max_length=1)
    family_name_key = models.CharField(_("Nachname, wie sortiert"), max_length=sorting.KEY_LENGTH)
    given_name_key = models.CharField(_("Vorname, wie sortiert"), max_length=sorting.KEY_LENGTH)

    objects = IndexEntryQuerySet.as_manager()

    class Meta:
        # "pk", not "person", which would sort by the person's own ordering.
        ordering = ["initial", "family_name_key", "given_name_key", "pk"]
        verbose_name = _("Eintrag im Personenverzeichnis")
        verbose_name_plural = _("Einträge im Personenverzeichnis")
        indexes = [
            models.Index(
                fields=["initial", "family_name_key", "given_name_key", "person"],
                name="index_entry_order",
            )
        ]

    def __str__(self):
        return f"{self.initial.upper()}: {self.family_name_key}, {self.given_name_key}"

    def get_absolute_url(self):
        return self.person.get_absolute_url()


KEY_FIELDS = ["initial", "family_name_key", "given_name_key"]


def refresh_index(people=None, batch_size=2000):
    """Puts ``people`` (a QuerySet of people; everyone when None) into the people index
    or takes them out of it, as ``Person.objects.public()`` says, with the keys of their
    names as they are now: a few queries, whatever the number of people."""
    people = Person.objects.all() if people is None else people
    # Tested entry by entry and person by person: a few look-ups for a role's holder,
    # not a test of everyone.
    public = Person.objects.public().filter(pk=OuterRef("person"))
    IndexEntry.objects.filter(person__in=people).exclude(Exists(public)).delete()
    rows = people.public().values_list("pk", "given_name", "family_name")
    batch = []
    for pk, given_name, family_name in rows.order_by().iterator(chunk_size=batch_size):
        batch.append(IndexEntry(person_id=pk, **sorting.index_keys(given_name, family_name)))
        if len(batch) == batch_size:
            _write_entries(batch)
            batch = []
    _write_entries(batch)


def _write_entries(entries):
    if entries:
        IndexEntry.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["person"], update_fields=KEY_FIELDS
        )


def people_of(project):
    """The people a project names: its role holders, interviewers and interviewees (the
    people index and the search index look at them anew when it changes). Subqueries, not
    an OR across joins, which would multiply the joined tables' rows."""
    interview = Person._meta.get_field("interviews_conducted").related_model
    interviews = interview.objects.filter(project=project)
    return Person.objects.filter(
        Q(pk__in=project.roles.values("person"))
        | Q(pk__in=interviews.values("interviewer"))
        | Q(pk__in=interviews.values("interviewees"))
    )


@receiver(post_save, sender=Person, dispatch_uid="people.index_person")
def _index_person(sender, instance, **kwargs):
    # A new name, or a person restored from the history whose roles are there already.
    refresh_index(Person.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Project, dispatch_uid="people.index_project_people")
def _index_project_people(sender, instance, **kwargs):
    # Published or not: its people may come into the index or leave it.
    refresh_index(people_of(instance))


@receiver(pre_save, sender=Role, dispatch_uid="people.remember_role_holder")
def _remember_role_holder(sender, instance, **kwargs):
    # A role given to someone else: its former holder is looked at anew as well.
    instance.previous_person_id = (
        Role.objects.filter(pk=instance.pk).values_list("person", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Role, dispatch_uid="people.index_role_holder")
@receiver(post_delete, sender=Role, dispatch_uid="people.unindex_role_holder")
def _index_role_holder(sender, instance, **kwargs):
    holders = {instance.person_id, getattr(instance, "previous_person_id", None)} - {None}
    if holders:
        refresh_index(Person.objects.filter(pk__in=holders))


@receiver(content_changed, dispatch_uid="people.index_after_bulk_change")
def _index_after_bulk_change(sender, **kwargs):
    # A bulk change (``QuerySet.update``, ``bulk_create``) of what ``public()`` reads:
    # everyone is looked at anew.
    interview = Person._meta.get_field("interviews_conducted").related_model
    if sender in (Project, Role, interview):
        refresh_index()
