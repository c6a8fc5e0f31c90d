"""The public archive as open data: one JSON document and one CSV table per kind, in both
languages, only what the pages show; read in chunks and written out a chunk at a time,
so a download never holds the archive in memory.
"""

import csv
import json
from urllib.parse import urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri

from pages.models import SiteIdentity
from people.models import Person
from projects.models import Organisation, Project
from reports.models import AnnualReport, for_project_page

from .models import OpenDataLicence

LANGUAGES = settings.MODELTRANSLATION_LANGUAGES
# Entries per round trip to the database: a chunk of projects is its row and the eight
# queries of ``reports.models.for_project_page``; 500 keeps the queries few and a
# chunk's memory small.
CHUNK_SIZE = 500
# Text sent to the client at once: small rows are gathered into pieces of this size.
PIECE_SIZE = 64 * 1024


def _translated(obj, name, required=False):
    """``{name}_de`` and ``{name}_en`` of a translated field; an empty value is ``None``
    (a required German value is given as it is)."""
    german = getattr(obj, f"{name}_de")
    return {
        f"{name}_de": german if required else german or None,
        f"{name}_en": getattr(obj, f"{name}_en") or None,
    }


def _urls(request, obj, method="get_absolute_url"):
    urls = {}
    for language in LANGUAGES:
        with translation.override(language):
            urls[language] = request.build_absolute_uri(getattr(obj, method)())
    return urls


def _month(month):
    return month.isoformat() if month else None


class Origin:
    """Stands in for the request where the archive is written outside one
    (``manage.py write_open_data``): absolute addresses on the site's public origin,
    as ``HttpRequest.build_absolute_uri`` makes them."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")

    def build_absolute_uri(self, location):
        return iri_to_uri(urljoin(self.base_url + "/", location))


class Archive:
    """Everything public, read in chunks; ``json_text()`` and ``csv_text()`` present it."""

    # Each CSV table and its columns, in order.
    TABLES = {
        "projekte": (
            "slug", "code", "acronym", "title_de", "title_en", "subtitle_de", "subtitle_en",
            "start", "end", "status", "predecessor", "url_de", "url_en",
            "description_de", "description_en",
        ),
        "foerderungen": (
            "project", "organisation", "kind", "name_as_listed_de", "name_as_listed_en",
            "short_name_as_listed_de", "short_name_as_listed_en", "grant_number",
            "eu_programme",
        ),
        "rollen": (
            "project", "kind_de", "kind_en", "person", "name_as_listed", "is_former",
            "affiliation_as_listed_de", "affiliation_as_listed_en",
        ),
        "personen": (
            "slug", "title_before", "given_name", "family_name", "title_after",
            "affiliation_de", "affiliation_en", "orcid", "group", "url_de", "url_en",
        ),
        "organisationen": (
            "slug", "name_de", "name_en", "short_name_de", "short_name_en", "website",
            "crossref_funder_id", "ror_id", "url_de", "url_en",
        ),
        "jahresberichte": (
            "series", "year", "title_de", "title_en", "projects", "pdf", "is_placeholder",
            "url_de", "url_en",
        ),
        "interviews": (
            "project", "title_de", "title_en", "headline_de", "headline_en", "teaser_de",
            "teaser_en", "interviewer", "interviewees", "url",
        ),
    }  # fmt: skip

    def __init__(self, request):
        # Only ``build_absolute_uri`` is used: a request, or an ``Origin``.
        self.request = request
        self.licence = OpenDataLicence.current()
        self.identity = SiteIdentity.current()

    # -- the entries, read in chunks ------------------------------------------------------
    # Each in its list's order, ties broken by the key: a file written twice from the same
    # content is the same, on every database.

    def projects(self):
        projects = Project.objects.published().order_by(*Project._meta.ordering, "pk")
        return for_project_page(projects).iterator(chunk_size=CHUNK_SIZE)

    def organisations(self):
        return (
            Organisation.objects.with_public_projects()
            .order_by("name", "pk")
            .iterator(chunk_size=CHUNK_SIZE)
        )

    def people(self):
        return (
            Person.objects.public()
            .order_by("family_name", "given_name", "pk")
            .iterator(chunk_size=CHUNK_SIZE)
        )

    def reports(self):
        reports = AnnualReport.objects.published().order_by(*AnnualReport._meta.ordering, "pk")
        return reports.for_listing().iterator(chunk_size=CHUNK_SIZE)

    # -- rows, shared by JSON and CSV ---------------------------------------------------

    def project_row(self, project):
        urls = _urls(self.request, project)
        return {
            "slug": project.slug,
            "code": project.code or None,
            "acronym": project.acronym or None,
            **_translated(project, "title", required=True),
            **_translated(project, "subtitle"),
            "start": _month(project.start),
            "end": _month(project.end),
            "status": project.status.value,
            "predecessor": project.predecessor.slug
            if project.predecessor and project.predecessor.published
            else None,
            "url_de": urls["de"],
            "url_en": urls["en"],
            **_translated(project, "description", required=True),
        }

    def funding_rows(self, project):
        return [
            {
                "project": project.slug,
                "organisation": funding.organisation.slug,
                "kind": funding.kind,
                **_translated(funding, "name_as_listed", required=True),
                **_translated(funding, "short_name_as_listed"),
                "grant_number": funding.grant_number or None,
                "eu_programme": funding.eu_programme or None,
            }
            for funding in project.fundings.all()
        ]

    def role_rows(self, project):
        return [
            {
                "project": project.slug,
                "kind_de": role.kind.name_de,
                "kind_en": role.kind.name_en or None,
                "person": role.person.slug if role.person else None,
                "name_as_listed": role.holder_name,
                "is_former": role.is_former,
                **_translated(role, "affiliation_as_listed"),
            }
            for role in project.roles.all()
        ]

    def interview_rows(self, project):
        return [
            {
                "project": project.slug,
                **_translated(interview, "title", required=True),
                **_translated(interview, "headline"),
                **_translated(interview, "teaser"),
                "interviewer": interview.interviewer.slug if interview.interviewer else None,
                "interviewees": [person.slug for person in interview.interviewees.all()],
                "url": interview.url or None,
            }
            for interview in project.interviews.all()
        ]

    def link_rows(self, project):
        return [
            {**_translated(link, "label", required=True), "url": link.url}
            for link in project.links.all()
        ]

    def person_row(self, person):
        urls = _urls(self.request, person)
        return {
            "slug": person.slug,
            "title_before": person.title_before or None,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "title_after": person.title_after or None,
            **_translated(person, "affiliation"),
            "orcid": person.orcid_url or None,
            "group": person.group,
            "url_de": urls["de"],
            "url_en": urls["en"],
        }

    def organisation_row(self, organisation):
        urls = _urls(self.request, organisation)
        return {
            "slug": organisation.slug,
            **_translated(organisation, "name", required=True),
            **_translated(organisation, "short_name"),
            "website": organisation.website or None,
            "crossref_funder_id": organisation.crossref_funder_id or None,
            "ror_id": organisation.ror_id or None,
            "url_de": urls["de"],
            "url_en": urls["en"],
        }

    def report_row(self, report):
        urls = _urls(self.request, report)
        titles = {}
        for language in LANGUAGES:
            series = getattr(report.series, f"title_{language}") or report.series.title_de
            titles[language] = f"{series} {report.year}"
        with translation.override("de"):
            pdf = self.request.build_absolute_uri(report.get_download_url())
        return {
            "series": report.series.slug,
            "year": report.year,
            "title_de": titles["de"],
            "title_en": titles["en"],
            "projects": [project.slug for project in report.projects.all()],
            "pdf": pdf,
            "is_placeholder": report.is_placeholder,
            "url_de": urls["de"],
            "url_en": urls["en"],
        }

    # -- presentations ----------------------------------------------------------------------

    def metadata(self):
        with translation.override("de"):
            home_de = self.request.build_absolute_uri(reverse("projects:index"))
        identity = self.identity
        titles = {}
        for language in LANGUAGES:
            with translation.override(language):
                titles[f"title_{language}"] = identity.title
        return {
            # The site's identity (pages.models.SiteIdentity): who publishes the data.
            "title": titles["title_de"],
            **titles,
            "publisher": {
                **_translated(identity, "chair", required=True),
                **_translated(identity, "institution", required=True),
                "head": identity.head or None,
                "email": identity.contact_email_address or None,
            },
            "source": home_de,
            "generated": timezone.now().isoformat(timespec="seconds"),
            "licence": {
                "name": self.licence.name,
                "url": self.licence.url,
                **_translated(self.licence, "attribution"),
            },
        }

    def project_json(self, project):
        row = self.project_row(project)
        row["fundings"] = self.funding_rows(project)
        row["partners"] = [organisation.slug for organisation in project.partners.all()]
        row["roles"] = self.role_rows(project)
        row["reports"] = [
            {"series": report.series.slug, "year": report.year} for report in project.reports.all()
        ]
        row["interviews"] = self.interview_rows(project)
        row["links"] = self.link_rows(project)
        return row

    def json_text(self):
        """The JSON document in pieces: metadata, projects, organisations, people, reports."""
        return _pieces(self._json_parts())

    def _json_parts(self):
        yield "{\n"
        for key, value in self.metadata().items():
            yield f"  {_dumps(key)}: {_dumps(value, 1)},\n"
        lists = {
            "projects": (self.project_json(project) for project in self.projects()),
            "organisations": (self.organisation_row(org) for org in self.organisations()),
            "people": (self.person_row(person) for person in self.people()),
            "reports": (self.report_row(report) for report in self.reports()),
        }
        separator = ""  # the metadata's lines end with their commas
        for key, entries in lists.items():
            yield f"{separator}  {_dumps(key)}: "
            yield from _json_list(entries, 1)
            separator = ",\n"
        yield "\n}"

    def table(self, name):
        """One table's rows, flat (lists joined with spaces), one after the other."""
        if name == "projekte":
            rows = (self.project_row(project) for project in self.projects())
        elif name == "foerderungen":
            rows = (row for project in self.projects() for row in self.funding_rows(project))
        elif name == "rollen":
            rows = (row for project in self.projects() for row in self.role_rows(project))
        elif name == "interviews":
            rows = (row for project in self.projects() for row in self.interview_rows(project))
        elif name == "personen":
            rows = (self.person_row(person) for person in self.people())
        elif name == "organisationen":
            rows = (self.organisation_row(org) for org in self.organisations())
        elif name == "jahresberichte":
            rows = (self.report_row(report) for report in self.reports())
        else:
            raise KeyError(name)
        for row in rows:
            for key, value in row.items():
                if isinstance(value, list):
                    row[key] = " ".join(value)
            yield row

    def csv_text(self, name):
        """One table as CSV in pieces (RFC 4180: comma, CRLF, a header line)."""
        return _pieces(csv_lines(self.TABLES[name], self.table(name)))


def _dumps(value, level=0):
    """``value`` as ``json.dumps(indent=2)`` writes it ``level`` levels deep in a document."""
    text = json.dumps(value, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    # JSON strings hold no line breaks (they are escaped): each one starts a new line.
    return text.replace("\n", "\n" + "  " * level) if level else text


def _json_list(entries, level):
    """A list of ``entries`` ``level`` levels deep, an entry at a time."""
    indent = "  " * (level + 1)
    empty = True
    for entry in entries:
        yield ("[\n" if empty else ",\n") + indent + _dumps(entry, level + 1)
        empty = False
    yield "[]" if empty else "\n" + "  " * level + "]"


def _pieces(parts):
    """Small strings gathered into pieces of about ``PIECE_SIZE`` characters."""
    buffer, size = [], 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= PIECE_SIZE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


# A cell starting with one of these is a formula to spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """One cell: booleans as true/false; text that a spreadsheet would run is quoted with '."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Line:
    """A file for ``csv.writer`` that hands back each line instead of keeping it (the
    streaming CSV of Django's documentation)."""

    def write(self, value):
        return value


def csv_lines(columns, rows):
    """Rows as CSV lines (RFC 4180: comma, CRLF, a header line), one at a time."""
    writer = csv.DictWriter(_Line(), fieldnames=columns, lineterminator="\r\n")
    yield writer.writeheader()
    for row in rows:
        yield writer.writerow({key: csv_cell(value) for key, value in row.items()})
