"""Unpublished entries appear nowhere: pages, search, filters, feeds, sitemap, JSON-LD, exports.

One project with its own funder, person and interview, all named "Zebrafink", is first
published (and found in every output, so that the test can see it) and then unpublished:
afterwards no output may name it. The same for a report ("Kolibri") and an interview.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from opendata.archive import Archive
from people.models import Person, Role, RoleKind
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries

pytestmark = pytest.mark.django_db

MARKER = "zebrafink"


@pytest.fixture
def zebrafink(archive):
    project = Project.objects.create(
        title="Zebrafink-Projekt",
        title_de="Zebrafink-Projekt",
        title_en="Zebrafinch project",
        slug="zebrafink-projekt",
        description="Über den Zebrafink.",
        description_de="Über den Zebrafink.",
        start_year=2010,
        start_month=1,
        end_year=2011,
        end_month=6,
        published=True,
    )
    # The hidden project comes before P01 and shares a person and a funder with others.
    p01 = Project.objects.get(code="P01")
    p01.predecessor = project
    p01.save()
    funder = Organisation.objects.create(name="Zebrafink-Stiftung", slug="zebrafink-stiftung")
    Funding.objects.create(
        project=project, organisation=funder, name_as_listed="Zebrafink-Stiftung"
    )
    Funding.objects.create(
        project=project,
        organisation=Organisation.objects.get(slug="bmbf"),
        kind=Funding.Kind.COMMISSIONER,
        name_as_listed="Bundesministerium für Zebrafinken",
    )
    kind = RoleKind.objects.get(slug="leitung")
    person = Person.objects.create(
        given_name="Zora", family_name="Zebrafink", slug="zora-zebrafink"
    )
    Role.objects.create(project=project, kind=kind, person=person)
    Role.objects.create(
        project=project, kind=kind, person=Person.objects.get(slug="stephan-duschek")
    )
    # The report is an entry of its own (it stays when its project goes): its own name.
    series = ReportSeries.objects.create(title="Kolibri-Bericht", slug="kolibri-bericht")
    report = AnnualReport.objects.create(
        series=series, year=2010, file="jahresberichte/kolibri.pdf", published=True
    )
    report.projects.add(project)
    Interview.objects.create(
        project=project, title="Zebrafink im Gespräch", interviewer=person, published=True
    )
    return project


def outputs(client):
    """Every public output: (address, text)."""
    urls = []
    for language in ("de", "en"):
        with translation.override(language):
            urls += [
                reverse("projects:index"),
                reverse("projects:list"),
                reverse("projects:list") + "?funder=bmbf",
                reverse("projects:organisations"),
                reverse("people:index"),
                reverse("reports:list"),
                reverse("website:feed"),
                reverse("opendata:page"),
                reverse("search:search") + f"?q={MARKER}",
                reverse("search:search") + "?q=Zebrafinch",
                reverse("search:search") + "?q=Bundesministerium",
            ]
            urls += [project.get_absolute_url() for project in Project.objects.published()]
            urls += [person.get_absolute_url() for person in Person.objects.public()]
            # An organisation has no "published" of its own; the ones of published projects.
            urls += [org.get_absolute_url() for org in Organisation.objects.with_public_projects()]
            urls += [report.get_absolute_url() for report in AnnualReport.objects.published()]
    urls += ["/sitemap.xml", "/robots.txt", reverse("opendata:json")]
    urls += [reverse("opendata:csv", args=[table]) for table in Archive.TABLES]
    found = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.getvalue().decode("utf-8").casefold()
        if "?q=" in url:  # a search page repeats the query: only its results count
            text = text.partition('class="plain-list entries search-results"')[2]
        found.append((url, text))
    return found


def search_url(language, q):
    with translation.override(language):
        return f"{reverse('search:search')}?q={q}"


def mentions(client, needle=MARKER):
    return [url for url, text in outputs(client) if needle in text]


def test_the_test_sees_a_published_entry_everywhere(client, zebrafink):
    seen = mentions(client)
    for expected in (
        "/de/",
        "/de/projekte/",
        "/de/organisationen/",
        "/de/personen/",
        "/de/jahresberichte/",
        "/de/feed.xml",
        "/en/feed.xml",
        search_url("de", MARKER),
        search_url("en", "Zebrafinch"),
        "/sitemap.xml",
        reverse("opendata:json"),
        reverse("opendata:csv", args=["projekte"]),
        reverse("opendata:csv", args=["rollen"]),
        reverse("opendata:csv", args=["personen"]),
        reverse("opendata:csv", args=["jahresberichte"]),
        reverse("opendata:csv", args=["interviews"]),
        reverse("opendata:csv", args=["foerderungen"]),
        Person.objects.get(slug="stephan-duschek").get_absolute_url(),  # and its JSON-LD
        Organisation.objects.get(slug="bmbf").get_absolute_url(),  # name history, JSON-LD
        Project.objects.get(code="P01").get_absolute_url(),  # its predecessor
    ):
        assert expected in seen, expected


def test_an_unpublished_project_appears_nowhere(client, zebrafink):
    zebrafink.published = False
    zebrafink.save()
    assert mentions(client) == []
    # Its own pages are gone too, and its funder has no page in the index.
    assert client.get(zebrafink.get_absolute_url()).status_code == 404
    assert (
        client.get(Person.objects.get(slug="zora-zebrafink").get_absolute_url()).status_code == 404
    )


def test_an_unpublished_report_appears_nowhere(client, zebrafink):
    assert mentions(client, "kolibri")
    report = AnnualReport.objects.get(series__slug="kolibri-bericht")
    report.published = False
    report.save()
    assert mentions(client, "kolibri") == []


def test_an_unpublished_interview_appears_nowhere(client, zebrafink):
    assert mentions(client, "zebrafink im gespräch")
    interview = Interview.objects.get(title="Zebrafink im Gespräch")
    interview.published = False
    interview.save()
    assert mentions(client, "zebrafink im gespräch") == []
