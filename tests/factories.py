"""Small builders for test data beyond the archive's content."""

from django.db import connection

from people.models import Person, Role, RoleKind
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries
from search import index as search_index
from search.models import SearchEntry


def make_project(n, **fields):
    values = {
        "title": f"Testprojekt {n}",
        "title_de": f"Testprojekt {n}",
        "title_en": f"Test project {n}",
        "slug": f"testprojekt-{n}",
        "description": f"Beschreibung {n}.\n\nZweiter Absatz {n}.",
        "start_year": 2000 + n % 20,
        "start_month": 1 + n % 12,
        "end_year": 2021 + n % 5,
        "end_month": 1 + n % 12,
        "published": True,
        "position": 100 + n,
    }
    values.update(fields)
    return Project.objects.create(**values)


CONTENT_MODELS = (
    Project,
    Funding,
    Organisation,
    Person,
    Role,
    RoleKind,
    ReportSeries,
    AnnualReport,
    AnnualReport.projects.through,
    Interview,
    Interview.interviewees.through,
)


def populate(count):
    """``count`` published projects, each with a funder, three roles, a report and an interview.

    The search index is written once at the end, as ``load_archive`` does.
    """
    with search_index.deferred():
        _populate(count)
        # Before the index is written at the end of the block: its queries are planned
        # on the rows just made.
        analyze(*CONTENT_MODELS)
    analyze(SearchEntry)


def analyze(*models):
    """Fresh planner statistics for the models' tables on PostgreSQL, after a bulk load.

    Tests load their data in a transaction that is never committed, so autovacuum does
    not count its rows; worse, a VACUUM that runs meanwhile (earlier tests leave dead
    rows) records the tables as empty, and the planner then nests loops over thousands
    of rows. ANALYZE in the same transaction counts them.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _populate(count):
    kind, _ = RoleKind.objects.get_or_create(
        slug="bearbeitung-test", defaults={"name": "Bearbeitung"}
    )
    funder, _ = Organisation.objects.get_or_create(
        slug="testfoerderer", defaults={"name": "Förderer"}
    )
    for n in range(count):
        project = make_project(n)
        Funding.objects.create(project=project, organisation=funder, name_as_listed="Förderer")
        for k in range(3):
            person = Person.objects.create(
                given_name=f"Vorname{n}-{k}", family_name=f"Nachname{n}-{k}", slug=f"person-{n}-{k}"
            )
            # Numbered as in the archive: roles of one kind in the same position have no
            # defined order, and a list's order would depend on the query plan.
            Role.objects.create(
                project=project, kind=kind, person=person, is_former=k == 2, position=k + 1
            )
        # One report per series and year: a new series every hundred projects.
        series, _ = ReportSeries.objects.get_or_create(
            slug=f"testreihe-{n // 100}", defaults={"title": f"Testreihe {n // 100}"}
        )
        report = AnnualReport.objects.create(
            series=series, year=1990 + n % 100, file=f"jahresberichte/test-{n}.pdf", published=True
        )
        report.projects.add(project)
        interview = Interview.objects.create(
            project=project, title=f"Interview {n}", interviewer=person, published=True
        )
        interview.interviewees.add(person)
