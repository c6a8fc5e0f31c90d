"""The search index of the static export: every public entry's searchable texts as JSON.

The exported search page has no server behind it; ``static/js/search.js`` reads this
index and matches a visitor's words the way the live search promises
(``tests/search/test_search.py``): case, umlauts and ß folded both ways, parts of words, a
German ending dropped, every term in some field, both languages' texts, and a person's
name finding the projects where the person holds a role.

Written once per export (``export_site``), never on a visitor's request: it reads the
whole public archive, in a fixed number of queries.
"""

from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.months import YearMonth, format_span
from pages.models import Page
from people.models import Person, Role, join_name
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview

from .models import SearchEntry

# Set by the static export (siteexport) in its requests' WSGI environment, to the address
# of the offline search's index. A visitor cannot set it: only headers become HTTP_* keys.
EXPORT_ENVIRON_KEY = "search.offline_index"

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The kinds and their labels, in the order the live search sorts results of equal score.
KIND_LABELS = dict(SearchEntry.Kind.choices)
KINDS = tuple(KIND_LABELS)


def _field(name, weight, language, text):
    """One searchable text: its field, weight, language ("" for names and codes), text."""
    return {"n": name, "w": weight, "l": language, "t": text}


def _translated(row, name, weight):
    """A translated field's texts, one per language that has its own (as the live search
    counts them: a text the same in both languages is German)."""
    fields, seen = [], set()
    for language in LANGUAGES:
        value = row.get(f"{name}_{language}") or ""
        if value and value not in seen:
            seen.add(value)
            fields.append(_field(name, weight, language, value))
    return fields


def _per_language(row, name):
    """A translated field's value per language, the German one where another is empty."""
    return {
        language: row.get(f"{name}_{language}") or row.get(f"{name}_de") or ""
        for language in LANGUAGES
    }


def _fallbacks(row, names):
    """Per language, the fields whose page shows the German text for want of a translation."""
    return {
        language: [
            name for name in names if not row.get(f"{name}_{language}") and row.get(f"{name}_de")
        ]
        for language in LANGUAGES
        if language != "de"
    }


def _urls(get_url):
    urls = {}
    for language in LANGUAGES:
        with translation.override(language):
            urls[language] = get_url()
    return urls


def _names(row, prefix=""):
    return join_name(
        row[f"{prefix}title_before"],
        row[f"{prefix}given_name"],
        row[f"{prefix}family_name"],
        row[f"{prefix}title_after"],
    )


def _entry(kind, urls, titles, fields, *, snippets=(), details=None, fallbacks=None):
    """One result: ``fields`` in the order of their weight, the title's field first."""
    return {
        "kind": kind,
        "url": urls,
        "title": titles,
        "head": fields[0]["n"] if fields else "",
        "fields": [field for field in fields if field["t"]],
        "snippets": list(snippets),
        "details": details or {},
        "fallbacks": fallbacks or {},
    }


def _columns(*names):
    return [f"{name}_{language}" for name in names for language in LANGUAGES]


def project_entries():
    people = {}
    roles = Role.objects.filter(project__published=True, person__isnull=False).values(
        "project_id",
        "person__title_before",
        "person__given_name",
        "person__family_name",
        "person__title_after",
    )
    for row in roles:
        names = people.setdefault(row["project_id"], [])
        name = _names(row, "person__")
        if name not in names:
            names.append(name)
    rows = (
        Project.objects.published()
        .order_by("pk")
        .values(
            "pk",
            "slug",
            "code",
            "acronym",
            "start_year",
            "start_month",
            "end_year",
            "end_month",
            *_columns("title", "subtitle", "description"),
        )
    )
    for row in rows:
        prefix = f"{row['code']}: " if row["code"] else ""
        start = YearMonth(row["start_year"], row["start_month"])
        end = YearMonth(row["end_year"], row["end_month"]) if row["end_year"] else None
        details = {}
        for language in LANGUAGES:
            with translation.override(language):
                details[language] = format_span(start, end)
        titles = {lang: prefix + text for lang, text in _per_language(row, "title").items()}
        yield _entry(
            "project",
            _urls(Project(slug=row["slug"]).get_absolute_url),
            titles,
            [
                *_translated(row, "title", 10),
                _field("code", 9, "", row["code"]),
                _field("acronym", 9, "", row["acronym"]),
                *_translated(row, "subtitle", 6),
                *_translated(row, "description", 2),
                *(_field("people", 3, "", name) for name in people.get(row["pk"], ())),
            ],
            snippets=("subtitle", "description"),
            details=details,
            fallbacks=_fallbacks(row, ("title", "subtitle", "description")),
        )


def organisation_entries():
    listed = {}
    names = Funding.objects.filter(project__published=True).values_list(
        "organisation_id", *_columns("name_as_listed", "short_name_as_listed")
    )
    for organisation_id, *values in names:
        listed.setdefault(organisation_id, set()).update(value for value in values if value)
    public = Organisation.objects.with_public_projects().values("pk")
    rows = (
        Organisation.objects.filter(pk__in=public)
        .order_by("pk")
        .values("pk", "slug", *_columns("name", "short_name", "description"))
    )
    for row in rows:
        yield _entry(
            "organisation",
            _urls(Organisation(slug=row["slug"]).get_absolute_url),
            _per_language(row, "name"),
            [
                *_translated(row, "name", 10),
                *_translated(row, "short_name", 9),
                *(_field("history", 6, "", name) for name in sorted(listed.get(row["pk"], ()))),
                *_translated(row, "description", 2),
            ],
            snippets=("description",),
            fallbacks=_fallbacks(row, ("name", "description")),
        )


def person_entries():
    public = Person.objects.public().values("pk")
    rows = (
        Person.objects.filter(pk__in=public)
        .order_by("pk")
        .values(
            "pk",
            "slug",
            "title_before",
            "given_name",
            "family_name",
            "title_after",
            *_columns("affiliation"),
        )
    )
    for row in rows:
        name = _names(row)
        yield _entry(
            "person",
            _urls(Person(slug=row["slug"]).get_absolute_url),
            dict.fromkeys(LANGUAGES, name),
            [_field("name", 10, "", name), *_translated(row, "affiliation", 3)],
            snippets=("affiliation",),
            fallbacks=_fallbacks(row, ("affiliation",)),
        )


def report_entries():
    reports = AnnualReport.objects.published().select_related("series").order_by("pk")
    for report in reports:
        titles = {}
        for language in LANGUAGES:
            with translation.override(language):
                titles[language] = report.title
        fields = [_field("title", 10, "de", titles["de"])]
        fields += [
            _field("title", 10, lang, text) for lang, text in titles.items() if text != titles["de"]
        ]
        fallbacks = {
            lang: ["title"] for lang in LANGUAGES if lang != "de" and not report.series.title_en
        }
        yield _entry("report", _urls(report.get_absolute_url), titles, fields, fallbacks=fallbacks)


def interview_entries():
    visible = Interview.objects.published().filter(project__published=True)
    people = {}
    interviewees = Interview.interviewees.through.objects.filter(interview__in=visible).values(
        "interview_id",
        "person__title_before",
        "person__given_name",
        "person__family_name",
        "person__title_after",
    )
    for row in interviewees:
        people.setdefault(row["interview_id"], []).append(_names(row, "person__"))
    rows = visible.order_by("pk").values(
        "pk",
        "project__slug",
        "interviewer__title_before",
        "interviewer__given_name",
        "interviewer__family_name",
        "interviewer__title_after",
        *_columns("title", "headline", "teaser", "project__title"),
    )
    for row in rows:
        names = list(people.get(row["pk"], ()))
        if row["interviewer__family_name"]:
            names.append(_names(row, "interviewer__"))
        project_url = _urls(Project(slug=row["project__slug"]).get_absolute_url)
        yield _entry(
            "interview",
            {lang: f"{url}#interview-{row['pk']}" for lang, url in project_url.items()},
            _per_language(row, "title"),
            [
                *_translated(row, "title", 8),
                *_translated(row, "headline", 6),
                *(_field("people", 4, "", name) for name in names),
                *_translated(row, "teaser", 3),
            ],
            snippets=("headline", "teaser"),
            details=_per_language(row, "project__title"),
            fallbacks=_fallbacks(row, ("title", "headline", "teaser")),
        )


def page_entries():
    rows = (
        Page.objects.filter(published=True)
        .order_by("pk")
        .values("pk", "slug", *_columns("title", "body"))
    )
    for row in rows:
        yield _entry(
            "page",
            _urls(partial(reverse, f"pages:{row['slug']}")),
            _per_language(row, "title"),
            [*_translated(row, "title", 10), *_translated(row, "body", 2)],
            snippets=("body",),
            fallbacks=_fallbacks(row, ("title", "body")),
        )


def build_index():
    """The index as a JSON-ready dict: labels per language and every public entry."""
    labels = {}
    for language in LANGUAGES:
        with translation.override(language):
            labels[language] = {kind: str(label) for kind, label in KIND_LABELS.items()}
    entries = [
        *project_entries(),
        *organisation_entries(),
        *person_entries(),
        *report_entries(),
        *interview_entries(),
        *page_entries(),
    ]
    return {"version": 1, "kinds": list(KINDS), "labels": labels, "entries": entries}
