"""The search index: one ``SearchEntry`` per public entry, kept in step with the content.

An entry exists only while what it stands for is public. Saves, deletions and changed
relations refresh the entries they touch, in the same transaction (``connect_signals``);
``rebuild`` writes the whole index anew (``manage.py rebuild_search_index``).
"""

import operator
import threading
from contextlib import contextmanager
from functools import reduce

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import translation

from core.months import format_span
from core.signals import content_changed
from pages.models import Page
from people.models import Person, Role, people_of
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries

from .models import SEARCHED, SearchEntry
from .query import CONFIGS, LANGUAGES, fold

Kind = SearchEntry.Kind
KIND_ORDER = {kind: position for position, kind in enumerate(Kind.values)}
CHUNK = 500
UPDATE_FIELDS = [
    field.name
    for field in SearchEntry._meta.concrete_fields
    if field.name not in ("id", "kind", "object_id", "document")
]


def _document():
    """PostgreSQL's tsvector of the folded columns, weighted: titles A, names B, texts C."""
    weights = {"title": "A", "names": "B", "text": "C"}
    vectors = [
        SearchVector(
            f"folded_{column}",
            config=CONFIGS.get(column.rpartition("_")[2], "simple"),
            weight=weights[column.partition("_")[0]],
        )
        for column in SEARCHED
    ]
    return reduce(operator.add, vectors)


def _both(obj, name):
    """A translated field's German and English values ("" for a missing translation)."""
    return {language: getattr(obj, f"{name}_{language}") or "" for language in LANGUAGES}


def _entry(
    kind, pk, url_name, url_kwargs, url_anchor="", *, title, text=None, details=None, names=()
):
    """An entry from what it shows, per language, and the names it is found by. Its folded
    columns begin with a space, so that a term can match at a word's start."""
    text, details = text or {}, details or {}
    entry = SearchEntry(
        kind=kind,
        object_id=pk,
        kind_order=KIND_ORDER[kind],
        url_name=url_name,
        url_kwargs=url_kwargs,
        url_anchor=url_anchor,
        names="\n".join(sorted({name for name in names if name})),
        **{f"title_{lang}": title.get(lang, "") for lang in LANGUAGES},
        **{f"text_{lang}": "\n\n".join(filter(None, text.get(lang, ()))) for lang in LANGUAGES},
        **{f"details_{lang}": details.get(lang, "") for lang in LANGUAGES},
    )
    for column in SEARCHED:
        setattr(entry, f"folded_{column}", " " + fold(getattr(entry, column)))
    return entry


# -- The entries of each kind ---------------------------------------------------------------


def project_entries(ids):
    holders = Role.objects.filter(person__isnull=False).select_related("person").order_by()
    projects = Project.objects.published().filter(pk__in=ids)
    for project in projects.prefetch_related(Prefetch("roles", holders)):
        prefix = f"{project.code}: " if project.code else ""
        title, subtitle, description = (
            _both(project, name) for name in ("title", "subtitle", "description")
        )
        span = {}
        for language in LANGUAGES:
            with translation.override(language):
                span[language] = str(format_span(project.start, project.end))
        yield _entry(
            Kind.PROJECT,
            project.pk,
            "projects:detail",
            {"slug": project.slug},
            title={lang: prefix + value for lang, value in title.items() if value},
            text={lang: (subtitle[lang], description[lang]) for lang in LANGUAGES},
            details=span,
            names=[project.acronym, *(role.person.plain_name for role in project.roles.all())],
        )


def organisation_entries(ids):
    public = Organisation.objects.with_public_projects().filter(pk__in=ids).values("pk")
    organisations = Organisation.objects.filter(pk__in=public)
    # The names projects list a funder under: a few, however many projects it funds.
    listed = Funding.objects.filter(project__published=True, organisation__in=organisations)
    names = {}
    columns = [
        f"{name}_{lang}"
        for name in ("name_as_listed", "short_name_as_listed")
        for lang in LANGUAGES
    ]
    for pk, *values in listed.order_by().values_list("organisation", *columns).distinct():
        names.setdefault(pk, []).extend(values)
    for organisation in organisations:
        yield _entry(
            Kind.ORGANISATION,
            organisation.pk,
            "projects:organisation",
            {"slug": organisation.slug},
            title=_both(organisation, "name"),
            text={lang: (value,) for lang, value in _both(organisation, "description").items()},
            names=[*_both(organisation, "short_name").values(), *names.get(organisation.pk, ())],
        )


def person_entries(ids):
    public = Person.objects.public().filter(pk__in=ids).values("pk")
    for person in Person.objects.filter(pk__in=public):
        affiliation = _both(person, "affiliation")
        yield _entry(
            Kind.PERSON,
            person.pk,
            "people:detail",
            {"slug": person.slug},
            title={"de": person.full_name},
            text={lang: (value,) for lang, value in affiliation.items()},
        )


def report_entries(ids):
    for report in AnnualReport.objects.published().filter(pk__in=ids).select_related("series"):
        yield _entry(
            Kind.REPORT,
            report.pk,
            "reports:detail",
            {"series": report.series.slug, "year": report.year},
            title={
                lang: f"{value} {report.year}"
                for lang, value in _both(report.series, "title").items()
                if value
            },
        )


def interview_entries(ids):
    interviews = Interview.objects.published().filter(project__published=True, pk__in=ids)
    for interview in interviews.select_related("project", "interviewer").prefetch_related(
        "interviewees"
    ):
        people = [*interview.interviewees.all(), interview.interviewer]
        headline, teaser = _both(interview, "headline"), _both(interview, "teaser")
        yield _entry(
            Kind.INTERVIEW,
            interview.pk,
            "projects:detail",
            {"slug": interview.project.slug},
            f"#interview-{interview.pk}",
            title=_both(interview, "title"),
            text={lang: (headline[lang], teaser[lang]) for lang in LANGUAGES},
            details=_both(interview.project, "title"),
            names=[person.plain_name for person in people if person is not None],
        )


def page_entries(ids):
    for page in Page.objects.filter(published=True, pk__in=ids):
        yield _entry(
            Kind.PAGE,
            page.pk,
            f"pages:{page.slug}",
            {},
            title=_both(page, "title"),
            text={lang: (value,) for lang, value in _both(page, "body").items()},
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


def _write(kind, ids):
    """The entries of ``ids`` of ``kind`` anew; those no longer public go."""
    entries = list(BUILDERS[kind][1](ids))
    if entries:
        SearchEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=UPDATE_FIELDS,
        )
        if connection.vendor == "postgresql":
            written = [entry.object_id for entry in entries]
            SearchEntry.objects.filter(kind=kind, object_id__in=written).update(
                document=_document()
            )
    gone = set(ids) - {entry.object_id for entry in entries}
    SearchEntry.objects.filter(kind=kind, object_id__in=gone).delete()
    return len(entries)


def refresh(targets):
    """Write the entries of ``targets`` ({kind: ids}) anew, a chunk at a time."""
    for kind, ids in targets.items():
        ids = sorted({pk for pk in ids if pk is not None})
        for start in range(0, len(ids), CHUNK):
            _write(kind, ids[start : start + CHUNK])


@transaction.atomic
def rebuild(progress=None):
    """The whole index anew; returns {kind: number of entries}."""
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    written = {}
    for kind, (model, _build) in BUILDERS.items():
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        written[kind] = 0
        for start in range(0, len(ids), CHUNK):
            written[kind] += _write(kind, ids[start : start + CHUNK])
            if progress:
                progress(kind, min(start + CHUNK, len(ids)), len(ids))
    # Cached search pages may show what the old index found: they go with the version.
    content_changed.send(sender=SearchEntry)
    return written


_state = threading.local()


@contextmanager
def deferred():
    """Within the block, collect what changes touch and write each entry once at the end
    (loading fixtures, generated archives). Nested blocks join the outermost."""
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


# -- What a change touches ------------------------------------------------------------------


def _ids(queryset, field="pk"):
    # A set needs no order: Meta.ordering would join tables only to sort.
    return set(queryset.order_by().values_list(field, flat=True))


def affected(instance):
    """{kind: ids}: the entries that may change when ``instance`` changes or goes."""
    interviewees = Interview.interviewees.through.objects
    pk = instance.pk
    if isinstance(instance, Project):
        return {
            Kind.PROJECT: {pk},
            Kind.ORGANISATION: _ids(Funding.objects.filter(project_id=pk), "organisation_id")
            | _ids(Project.partners.through.objects.filter(project_id=pk), "organisation_id"),
            Kind.PERSON: _ids(people_of(instance)),
            Kind.INTERVIEW: _ids(Interview.objects.filter(project_id=pk)),
        }
    if isinstance(instance, Person):
        given = interviewees.filter(person_id=pk).values("interview_id")
        return {
            Kind.PERSON: {pk},
            Kind.PROJECT: _ids(Role.objects.filter(person_id=pk), "project_id"),
            Kind.INTERVIEW: _ids(Interview.objects.filter(Q(interviewer_id=pk) | Q(pk__in=given))),
        }
    if isinstance(instance, Interview):
        people = _ids(interviewees.filter(interview_id=pk), "person_id")
        return {Kind.INTERVIEW: {pk}, Kind.PERSON: {instance.interviewer_id} | people}
    if isinstance(instance, Role):
        return {Kind.PROJECT: {instance.project_id}, Kind.PERSON: {instance.person_id}}
    if isinstance(instance, Funding):
        return {Kind.ORGANISATION: {instance.organisation_id}}
    if isinstance(instance, ReportSeries):
        return {Kind.REPORT: _ids(AnnualReport.objects.filter(series_id=pk))}
    kind = {Organisation: Kind.ORGANISATION, AnnualReport: Kind.REPORT, Page: Kind.PAGE}
    return {kind[type(instance)]: {pk}} if type(instance) in kind else {}


def _merge(*target_sets):
    merged = {}
    for targets in target_sets:
        for kind, ids in targets.items():
            merged.setdefault(kind, set()).update(ids)
    return merged


def _refresh_or_collect(*target_sets):
    targets = _merge(*target_sets)
    collected = getattr(_state, "targets", None)
    if collected is None:
        refresh(targets)
    else:
        collected.update(_merge(collected, targets))


# Models whose foreign keys decide what is public: a change touches the entries of before
# as well as those of after. {(model, pk): targets} between pre_save and post_save, and
# between pre_clear and post_clear of a many-to-many relation.
MOVABLE_MODELS = (Funding, Role, Interview)
_before = {}


def _saving(sender, instance, **kwargs):
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    if old is not None:
        _before[(sender, instance.pk)] = affected(old)


def _saved(sender, instance, **kwargs):
    _refresh_or_collect(_before.pop((sender, instance.pk), {}), affected(instance))


def _deleted(sender, instance, **kwargs):
    _refresh_or_collect(affected(instance))


def _relation_changed(sender, instance, action, pk_set, **kwargs):
    """Partners of a project, interviewees of an interview (from either side)."""
    if sender is Project.partners.through:
        own, other = Kind.PROJECT, Kind.ORGANISATION
    else:
        own, other = Kind.INTERVIEW, Kind.PERSON
    if not isinstance(instance, (Project, Interview)):
        own, other = other, own
    targets = {own: {instance.pk}, other: set(pk_set or ())}
    if action == "pre_clear":
        # Who loses the relation is known only before it goes.
        _before[(sender, instance.pk)] = _merge(targets, affected(instance))
    elif action == "post_clear":
        _refresh_or_collect(targets, _before.pop((sender, instance.pk), {}))
    elif action in ("post_add", "post_remove"):
        _refresh_or_collect(targets)


def connect_signals():
    for model in (*(model for model, _build in BUILDERS.values()), Funding, Role, ReportSeries):
        uid = f"search.index.{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        if model in MOVABLE_MODELS:
            pre_save.connect(_saving, sender=model, dispatch_uid=uid)
    for through in (Project.partners.through, Interview.interviewees.through):
        uid = f"search.index.{through._meta.label_lower}"
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=uid)
