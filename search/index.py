"""The search index: one ``SearchEntry`` per public entry, kept in step with every change
in the same transaction (``connect_signals``) and written anew by ``rebuild``."""

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
CHUNK = 500
UPDATE_FIELDS = [
    field.name
    for field in SearchEntry._meta.concrete_fields
    if field.name not in ("id", "kind", "object_id", "document")
]
# PostgreSQL's tsvector of the folded columns: titles weigh A, names B, texts C.
DOCUMENT = reduce(
    operator.add,
    (
        SearchVector(f"folded_{column}", config=CONFIGS.get(column[-2:], "simple"), weight=weight)
        for column, weight in zip(SEARCHED, "AABCC", strict=True)
    ),
)


def _both(obj, name):
    """A translated field's German and English values ("" for a missing translation)."""
    return {language: getattr(obj, f"{name}_{language}") or "" for language in LANGUAGES}


def _entry(
    kind, obj, url_name, url_kwargs, url_anchor="", *, title, texts=(), details=None, names=()
):
    """An entry from what it shows per language (``texts``: ``obj``'s translated fields)
    and the names it is found by. Its folded columns begin with a space, so that a term
    can match at a word's start."""
    entry = SearchEntry(
        kind=kind,
        object_id=obj.pk,
        kind_order=Kind.values.index(kind),
        url_name=url_name,
        url_kwargs=url_kwargs,
        url_anchor=url_anchor,
        names="\n".join(sorted({name for name in names if name})),
    )
    for lang in LANGUAGES:
        text = (getattr(obj, f"{name}_{lang}") for name in texts)
        setattr(entry, f"title_{lang}", title.get(lang, ""))
        setattr(entry, f"text_{lang}", "\n\n".join(filter(None, text)))
        setattr(entry, f"details_{lang}", (details or {}).get(lang, ""))
    for column in SEARCHED:
        setattr(entry, f"folded_{column}", " " + fold(getattr(entry, column)))
    return entry


# -- The entries of each kind ---------------------------------------------------------------


def project_entries(ids):
    holders = Role.objects.filter(person__isnull=False).select_related("person").order_by()
    projects = Project.objects.published().filter(pk__in=ids)
    for project in projects.prefetch_related(Prefetch("roles", holders)):
        prefix = f"{project.code}: " if project.code else ""
        span = {}
        for language in LANGUAGES:
            with translation.override(language):
                span[language] = format_span(project.start, project.end)
        yield _entry(
            Kind.PROJECT,
            project,
            "projects:detail",
            {"slug": project.slug},
            title={
                lang: prefix + value for lang, value in _both(project, "title").items() if value
            },
            texts=("subtitle", "description"),
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
            organisation,
            "projects:organisation",
            {"slug": organisation.slug},
            title=_both(organisation, "name"),
            texts=("description",),
            names=[*_both(organisation, "short_name").values(), *names.get(organisation.pk, ())],
        )


def person_entries(ids):
    public = Person.objects.public().filter(pk__in=ids).values("pk")
    for person in Person.objects.filter(pk__in=public):
        yield _entry(
            Kind.PERSON,
            person,
            "people:detail",
            {"slug": person.slug},
            title={"de": person.full_name},
            texts=("affiliation",),
        )


def report_entries(ids):
    for report in AnnualReport.objects.published().filter(pk__in=ids).select_related("series"):
        series = _both(report.series, "title")
        yield _entry(
            Kind.REPORT,
            report,
            "reports:detail",
            {"series": report.series.slug, "year": report.year},
            title={lang: f"{value} {report.year}" for lang, value in series.items() if value},
        )


def interview_entries(ids):
    interviews = Interview.objects.published().filter(project__published=True, pk__in=ids)
    for interview in interviews.select_related("project", "interviewer").prefetch_related(
        "interviewees"
    ):
        people = [*interview.interviewees.all(), interview.interviewer]
        yield _entry(
            Kind.INTERVIEW,
            interview,
            "projects:detail",
            {"slug": interview.project.slug},
            f"#interview-{interview.pk}",
            title=_both(interview, "title"),
            texts=("headline", "teaser"),
            details=_both(interview.project, "title"),
            names=[person.plain_name for person in people if person is not None],
        )


def page_entries(ids):
    for page in Page.objects.filter(published=True, pk__in=ids):
        yield _entry(
            Kind.PAGE,
            page,
            f"pages:{page.slug}",
            {},
            title=_both(page, "title"),
            texts=("body",),
        )


BUILDERS = {
    Kind.PROJECT: (Project, project_entries),
    Kind.ORGANISATION: (Organisation, organisation_entries),
    Kind.PERSON: (Person, person_entries),
    Kind.REPORT: (AnnualReport, report_entries),
    Kind.INTERVIEW: (Interview, interview_entries),
    Kind.PAGE: (Page, page_entries),
}
KINDS = {model: kind for kind, (model, _build) in BUILDERS.items()}


# -- Writing the index ----------------------------------------------------------------------


def _merge(merged, target_sets):
    for targets in target_sets:
        for kind, ids in targets.items():
            merged.setdefault(kind, set()).update(ids)
    return merged


def _write(targets, progress=None):
    """The entries of ``targets`` ({kind: ids}) anew, a chunk at a time; those no longer
    public go. Returns {kind: number of entries}."""
    written = {}
    for kind, ids in targets.items():
        ids = sorted(ids - {None})
        written[kind] = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            entries = list(BUILDERS[kind][1](chunk))
            SearchEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=UPDATE_FIELDS,
            )
            found = {entry.object_id for entry in entries}
            if found and connection.vendor == "postgresql":
                SearchEntry.objects.filter(kind=kind, object_id__in=found).update(document=DOCUMENT)
            SearchEntry.objects.filter(kind=kind, object_id__in=set(chunk) - found).delete()
            written[kind] += len(entries)
            if progress:
                progress(kind, start + len(chunk), len(ids))
    return written


@transaction.atomic
def rebuild(progress=None):
    """The whole index anew; returns {kind: number of entries}."""
    SearchEntry.objects.all().delete()
    targets = {kind: _ids(model.objects) for kind, (model, _build) in BUILDERS.items()}
    written = _write(targets, progress)
    # Cached search pages may show what the old index found: they go with the version.
    content_changed.send(sender=SearchEntry)
    return written


def build_missing(sender, using, apps=None, **kwargs):
    """After migrate: a database from a release before this index has content, no entries."""
    try:  # the state migrate leaves (flush sends no state: the tables are all there)
        if apps is not None:
            apps.get_model("search", "SearchEntry")
    except LookupError:
        return  # migrated back to before the index: no table
    if not SearchEntry.objects.using(using).exists() and Project.objects.using(using).exists():
        rebuild()


_state = threading.local()


@contextmanager
def deferred():
    """Within the block, collect what changes touch and write each entry once at the end
    (loading fixtures, generated archives). Nested blocks join the outermost."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = {}
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    _write(pending)


def refresh(*target_sets):
    """Write the entries of the targets ({kind: ids}) anew, or at the end of ``deferred``."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        _write(_merge({}, target_sets))
    else:
        _merge(pending, target_sets)


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
    return {KINDS[type(instance)]: {pk}}  # an organisation, a report, a page


# Models whose foreign keys decide what is public: a change touches the entries of before
# as well as those of after. {(model, pk): targets} between pre_save and post_save, and
# between pre_clear and post_clear of a many-to-many relation.
MOVABLE_MODELS = (Funding, Role, Interview)
_before = {}


def _saving(sender, instance, **kwargs):
    if instance.pk and (old := sender.objects.filter(pk=instance.pk).first()):
        _before[(sender, instance.pk)] = affected(old)


def _changed(sender, instance, **kwargs):
    """Saved or deleted: what it touches now, and what it touched before a save moved it."""
    refresh(_before.pop((sender, instance.pk), {}), affected(instance))


def _relation_changed(sender, instance, action, model, pk_set, **kwargs):
    """Partners of a project, interviewees of an interview (from either side)."""
    if action == "pre_clear":  # who loses the relation is known only before it goes
        _before[(sender, instance.pk)] = affected(instance)
    elif action in ("post_add", "post_remove", "post_clear"):
        changed = {KINDS[type(instance)]: {instance.pk}, KINDS[model]: set(pk_set or ())}
        refresh(changed, _before.pop((sender, instance.pk), {}))


def connect_signals():
    for model in (*KINDS, Funding, Role, ReportSeries):
        uid = f"search.index.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
        if model in MOVABLE_MODELS:
            pre_save.connect(_saving, sender=model, dispatch_uid=uid)
    for through in (Project.partners.through, Interview.interviewees.through):
        uid = f"search.index.{through._meta.label_lower}"
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=uid)
