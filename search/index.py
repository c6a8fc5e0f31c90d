"""The search index: one ``SearchEntry`` per public entry, kept in step with the content.

The entries are composed here, across the apps (a project's entry names the people who
hold its roles; whether a person or an organisation is public depends on projects), so
the index lives in ``clusterspace``: no app knows of it. ``connect_signals`` (called in
``ClusterspaceConfig.ready``) refreshes the entries a save, a deletion or a changed
many-to-many relation touches, in the same transaction; ``rebuild`` writes the whole
index anew (``manage.py rebuild_search_index``, ``load_archive``).

An entry exists only while what it stands for is public: publishing writes it,
unpublishing or deleting removes it. The database's own search structures (PostgreSQL's
``document`` column, SQLite's FTS5 table) follow the entry table by triggers.
"""

import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import translation

from core.months import YearMonth, format_span
from core.signals import content_changed
from pages.models import Page
from people.models import Person, Role, join_name
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries

from .models import SearchEntry
from .query import LANGUAGES, key

Kind = SearchEntry.Kind
KIND_ORDER = {kind: position for position, kind in enumerate(Kind.values)}
CHUNK = 500
UPDATE_FIELDS = [
    field.name
    for field in SearchEntry._meta.concrete_fields
    if not field.primary_key and field.name not in ("kind", "object_id")
]


def _translated(*names):
    return [f"{name}_{language}" for name in names for language in LANGUAGES]


def _paragraphs(*texts):
    return "\n\n".join(text for text in texts if text)


def _keys(*texts):
    """The texts' keys side by side, apart by "|" (which no term contains)."""
    return "|".join(filter(None, (key(text) for text in texts if text)))


def _entry(kind, object_id, url_name, url_kwargs=None, url_anchor="", **texts):
    """A ``SearchEntry`` from display texts (``title_de`` …) and the names it is found by."""
    names = [name for name in texts.pop("names", ()) if name]
    extra_title = texts.pop("title_words", "")
    texts = {name: value or "" for name, value in texts.items()}  # untranslated: None
    entry = SearchEntry(
        kind=kind,
        object_id=object_id,
        kind_order=KIND_ORDER[kind],
        url_name=url_name,
        url_kwargs=url_kwargs or {},
        url_anchor=url_anchor,
        **texts,
    )
    entry.title_key_de = _keys(entry.title_de, extra_title)
    entry.title_key_en = _keys(entry.title_en)
    entry.names_key = _keys(*sorted(set(names)))
    entry.text_key_de = _keys(entry.text_de)
    entry.text_key_en = _keys(entry.text_en)
    entry.folded = "|".join(
        filter(
            None,
            (
                entry.title_key_de,
                entry.title_key_en,
                entry.names_key,
                entry.text_key_de,
                entry.text_key_en,
            ),
        )
    )
    return entry


def _in_languages(function):
    """{"de": …, "en": …}: ``function()`` in each language (dates, month names)."""
    values = {}
    for language in LANGUAGES:
        with translation.override(language):
            values[language] = str(function())
    return values


# -- The entries of each kind ---------------------------------------------------------------


def project_entries(ids):
    projects = Project.objects.published().filter(pk__in=ids)
    names = {}
    # Unordered: Role's Meta.ordering would join projects and role kinds only to sort.
    roles = Role.objects.filter(project__in=projects, person__isnull=False).order_by()
    for project_id, given, family in roles.values_list(
        "project_id", "person__given_name", "person__family_name"
    ):
        names.setdefault(project_id, []).append(f"{given} {family}")
    rows = projects.values(
        "pk",
        "slug",
        "code",
        "acronym",
        "start_year",
        "start_month",
        "end_year",
        "end_month",
        *_translated("title", "subtitle", "description"),
    )
    for row in rows:
        prefix = f"{row['code']}: " if row["code"] else ""
        start = YearMonth(row["start_year"], row["start_month"])
        end = YearMonth(row["end_year"], row["end_month"]) if row["end_year"] else None
        details = _in_languages(lambda start=start, end=end: format_span(start, end))
        yield _entry(
            Kind.PROJECT,
            row["pk"],
            "projects:detail",
            {"slug": row["slug"]},
            title_de=prefix + row["title_de"],
            title_en=prefix + row["title_en"] if row["title_en"] else "",
            title_words=row["acronym"],
            text_de=_paragraphs(row["subtitle_de"], row["description_de"]),
            text_en=_paragraphs(row["subtitle_en"], row["description_en"]),
            details_de=details["de"],
            details_en=details["en"],
            names=names.get(row["pk"], ()),
        )


def organisation_entries(ids):
    public = Organisation.objects.with_public_projects().filter(pk__in=ids).values("pk")
    organisations = Organisation.objects.filter(pk__in=public)
    listed = {}
    fundings = Funding.objects.filter(
        project__published=True, organisation__in=organisations
    ).order_by()
    for organisation_id, *names in fundings.values_list(
        "organisation_id", *_translated("name_as_listed", "short_name_as_listed")
    ).distinct():
        listed.setdefault(organisation_id, []).extend(name for name in names if name)
    rows = organisations.values("pk", "slug", *_translated("name", "short_name", "description"))
    for row in rows:
        yield _entry(
            Kind.ORGANISATION,
            row["pk"],
            "projects:organisation",
            {"slug": row["slug"]},
            title_de=row["name_de"],
            title_en=row["name_en"] or "",
            title_words=f"{row['short_name_de']} {row['short_name_en'] or ''}",
            text_de=row["description_de"],
            text_en=row["description_en"] or "",
            names=listed.get(row["pk"], ()),
        )


def person_entries(ids):
    public = Person.objects.public().filter(pk__in=ids).values("pk")
    rows = Person.objects.filter(pk__in=public).values(
        "pk",
        "slug",
        "title_before",
        "given_name",
        "family_name",
        "title_after",
        *_translated("affiliation"),
    )
    for row in rows:
        name = join_name(
            row["title_before"], row["given_name"], row["family_name"], row["title_after"]
        )
        yield _entry(
            Kind.PERSON,
            row["pk"],
            "people:detail",
            {"slug": row["slug"]},
            title_de=name,
            text_de=row["affiliation_de"],
            text_en=row["affiliation_en"] or "",
        )


def report_entries(ids):
    rows = (
        AnnualReport.objects.published()
        .filter(pk__in=ids)
        .values("pk", "year", "series__slug", *_translated("series__title"))
    )
    for row in rows:
        title_en = row["series__title_en"]
        yield _entry(
            Kind.REPORT,
            row["pk"],
            "reports:detail",
            {"series": row["series__slug"], "year": row["year"]},
            title_de=f"{row['series__title_de']} {row['year']}",
            title_en=f"{title_en} {row['year']}" if title_en else "",
        )


def interview_entries(ids):
    interviews = Interview.objects.published().filter(project__published=True, pk__in=ids)
    names = {}
    through = Interview.interviewees.through.objects.filter(interview__in=interviews).order_by()
    for interview_id, given, family in through.values_list(
        "interview_id", "person__given_name", "person__family_name"
    ):
        names.setdefault(interview_id, []).append(f"{given} {family}")
    rows = interviews.values(
        "pk",
        "project__slug",
        "interviewer__given_name",
        "interviewer__family_name",
        *_translated("title", "headline", "teaser", "project__title"),
    )
    for row in rows:
        people = names.get(row["pk"], [])
        if row["interviewer__family_name"]:
            people = [
                *people,
                f"{row['interviewer__given_name']} {row['interviewer__family_name']}",
            ]
        yield _entry(
            Kind.INTERVIEW,
            row["pk"],
            "projects:detail",
            {"slug": row["project__slug"]},
            f"#interview-{row['pk']}",
            title_de=row["title_de"],
            title_en=row["title_en"] or "",
            text_de=_paragraphs(row["headline_de"], row["teaser_de"]),
            text_en=_paragraphs(row["headline_en"], row["teaser_en"]),
            details_de=row["project__title_de"],
            details_en=row["project__title_en"] or "",
            names=people,
        )


def page_entries(ids):
    rows = Page.objects.filter(published=True, pk__in=ids).values(
        "pk", "slug", *_translated("title", "body")
    )
    for row in rows:
        yield _entry(
            Kind.PAGE,
            row["pk"],
            f"pages:{row['slug']}",
            title_de=row["title_de"],
            title_en=row["title_en"] or "",
            text_de=row["body_de"],
            text_en=row["body_en"] or "",
        )


BUILDERS = {
    Kind.PROJECT: (Project, project_entries),
    Kind.ORGANISATION: (Organisation, organisation_entries),
    Kind.PERSON: (Person, person_entries),
    Kind.REPORT: (AnnualReport, report_entries),
    Kind.INTERVIEW: (Interview, interview_entries),
    Kind.PAGE: (Page, page_entries),
}


# -- Writing the index ----------------------------------------------------------------------


def _write(entries):
    if entries:
        SearchEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=UPDATE_FIELDS,
        )


def _delete(kind, ids):
    """Remove entries without signals (they are no content: the page cache stays)."""
    if not ids:
        return
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE kind = %s AND object_id IN ({placeholders})",
            [kind, *ids],
        )


def refresh(targets):
    """Write the entries of ``targets`` ({kind: ids}) anew; remove those no longer public."""
    for kind, ids in targets.items():
        ids = sorted({pk for pk in ids if pk is not None})
        _model, build = BUILDERS[kind]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            entries = list(build(chunk))
            _write(entries)
            _delete(kind, sorted(set(chunk) - {entry.object_id for entry in entries}))


_state = threading.local()


@contextmanager
def deferred():
    """Within the block, collect the entries that changes touch and write each once at
    the end: for loading many rows (fixtures, generated archives). Nested blocks join
    the outermost."""
    if getattr(_state, "targets", None) is not None:
        yield
        return
    _state.targets = {}
    try:
        yield
        targets = _state.targets
    finally:
        _state.targets = None
    refresh(targets)


def _refresh_or_collect(targets):
    collected = getattr(_state, "targets", None)
    if collected is None:
        refresh(targets)
    else:
        for kind, ids in targets.items():
            collected.setdefault(kind, set()).update(ids)


@transaction.atomic
def rebuild(progress=None):
    """The whole index anew, a chunk of entries at a time; returns {kind: number}."""
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    written = {}
    for kind, (model, build) in BUILDERS.items():
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        written[kind] = 0
        for start in range(0, len(ids), CHUNK):
            entries = list(build(ids[start : start + CHUNK]))
            _write(entries)
            written[kind] += len(entries)
            if progress:
                progress(kind, min(start + CHUNK, len(ids)), len(ids))
    # Cached search pages may show what the old index found: they go with the version.
    content_changed.send(sender=SearchEntry)
    return written


# -- What a change touches ------------------------------------------------------------------


def _ids(queryset, field="pk"):
    # A set needs no order: Meta.ordering would join tables only to sort (interviews by
    # their project's position), nested loops over all rows on stale planner statistics.
    return set(queryset.order_by().values_list(field, flat=True))


def affected(instance):
    """{kind: ids}: the entries that may change when ``instance`` changes or goes."""
    interviewees = Interview.interviewees.through.objects
    if isinstance(instance, Project):
        pk = instance.pk
        return {
            Kind.PROJECT: {pk},
            Kind.ORGANISATION: _ids(Funding.objects.filter(project_id=pk), "organisation_id")
            | _ids(Project.partners.through.objects.filter(project_id=pk), "organisation_id"),
            # Subqueries, not an OR across joins, which multiplies the joined tables' rows:
            # nested loops over all of them when the planner believes the tables empty.
            Kind.PERSON: _ids(
                Person.objects.filter(
                    Q(pk__in=Role.objects.filter(project_id=pk).values("person_id"))
                    | Q(pk__in=interviewees.filter(interview__project_id=pk).values("person_id"))
                    | Q(pk__in=Interview.objects.filter(project_id=pk).values("interviewer_id"))
                )
            ),
            Kind.INTERVIEW: _ids(Interview.objects.filter(project_id=pk)),
        }
    if isinstance(instance, Organisation):
        return {Kind.ORGANISATION: {instance.pk}}
    if isinstance(instance, Funding):
        return {Kind.ORGANISATION: {instance.organisation_id}}
    if isinstance(instance, Person):
        return {
            Kind.PERSON: {instance.pk},
            Kind.PROJECT: _ids(Role.objects.filter(person_id=instance.pk), "project_id"),
            Kind.INTERVIEW: _ids(
                Interview.objects.filter(
                    Q(interviewer_id=instance.pk)
                    | Q(pk__in=interviewees.filter(person_id=instance.pk).values("interview_id"))
                )
            ),
        }
    if isinstance(instance, Role):
        return {Kind.PROJECT: {instance.project_id}, Kind.PERSON: {instance.person_id}}
    if isinstance(instance, AnnualReport):
        return {Kind.REPORT: {instance.pk}}
    if isinstance(instance, ReportSeries):
        return {Kind.REPORT: _ids(AnnualReport.objects.filter(series_id=instance.pk))}
    if isinstance(instance, Interview):
        people = _ids(interviewees.filter(interview_id=instance.pk), "person_id")
        return {
            Kind.INTERVIEW: {instance.pk},
            Kind.PERSON: {instance.interviewer_id} | people,
        }
    if isinstance(instance, Page):
        return {Kind.PAGE: {instance.pk}}
    return {}


def _merge(*target_sets):
    merged = {}
    for targets in target_sets:
        for kind, ids in targets.items():
            merged.setdefault(kind, set()).update(ids)
    return merged


INDEXED_MODELS = (
    Project,
    Organisation,
    Funding,
    Person,
    Role,
    AnnualReport,
    ReportSeries,
    Interview,
    Page,
)
# Models whose foreign keys decide what is public: a change of them touches the old
# entries as well as the new ones.
MOVABLE_MODELS = (Funding, Role, Interview)
# {(model, pk): targets} between pre_save and post_save, and between pre_clear and
# post_clear of a many-to-many relation.
_before = {}


def _saving(sender, instance, raw=False, **kwargs):
    if instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).first()
    if old is not None:
        _before[(sender, instance.pk)] = affected(old)


def _saved(sender, instance, **kwargs):
    _refresh_or_collect(_merge(_before.pop((sender, instance.pk), {}), affected(instance)))


def _deleted(sender, instance, **kwargs):
    _refresh_or_collect(affected(instance))


def _relation_changed(sender, instance, action, model, pk_set, **kwargs):
    """Partners of a project, interviewees of an interview (either side)."""
    if sender is Project.partners.through:
        if isinstance(instance, Project):
            targets = {Kind.ORGANISATION: set(pk_set or ()), Kind.PROJECT: {instance.pk}}
        else:
            targets = {Kind.ORGANISATION: {instance.pk}}
    elif sender is Interview.interviewees.through:
        if isinstance(instance, Interview):
            targets = {Kind.INTERVIEW: {instance.pk}, Kind.PERSON: set(pk_set or ())}
        else:
            targets = {Kind.PERSON: {instance.pk}, Kind.INTERVIEW: set(pk_set or ())}
    else:
        return
    if action == "pre_clear":
        # Who loses the relation is known only before it goes.
        _before[(sender, instance.pk)] = _merge(targets, affected(instance))
    elif action == "post_clear":
        _refresh_or_collect(_merge(targets, _before.pop((sender, instance.pk), {})))
    elif action in ("post_add", "post_remove"):
        _refresh_or_collect(targets)


def connect_signals():
    for model in INDEXED_MODELS:
        uid = f"search.index.{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    for model in MOVABLE_MODELS:
        uid = f"search.index.{model._meta.label_lower}"
        pre_save.connect(_saving, sender=model, dispatch_uid=uid)
    for through in (Project.partners.through, Interview.interviewees.through):
        uid = f"search.index.{through._meta.label_lower}"
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=uid)
