"""The search index in the database: in step with every change, safe with any query.

The index (``search.index``) holds one entry per public entry; these tests
change the content the ways an editor does and search again, throw query syntax of the
databases' search languages at the page, and run the index's migration backwards and
forwards.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from pagecache.models import ContentVersion
from pages.models import Page
from people.models import Person, Role, RoleKind
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview
from search.models import SearchEntry
from search.query import Query, counts, similar

from tests.factories import make_project, populate
from tests.search.queries import live, live_count, plain

pytestmark = pytest.mark.django_db


def kinds_and_titles(text, language="de"):
    return [(result.kind, plain(result.title)) for result in live(text, language)]


def titles(text, language="de"):
    return [title for _kind, title in kinds_and_titles(text, language)]


def search_page(client, q, language="de", **params):
    with translation.override(language):
        url = reverse("search:search")
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200, q
    return response


# -- a person's name finds their projects ------------------------------------------------


def test_a_persons_name_finds_the_projects_with_a_role(archive):
    found = kinds_and_titles("Wulfsberg")
    assert found[0] == ("person", "Prof. Dr. Jens Wulfsberg")
    p01 = Project.objects.get(code="P01")
    assert ("project", f"P01: {p01.title_de}") in found
    # The projects in which he holds no role are not found.
    others = Project.objects.exclude(roles__person__family_name="Wulfsberg")
    assert not {("project", str(project)) for project in others} & set(found)


def test_a_renamed_person_moves_with_their_projects(db):
    project = make_project(1, title_de="Netzwerkstudie")
    person = Person.objects.create(given_name="Ada", family_name="Quellmann", slug="ada")
    Role.objects.create(project=project, kind=RoleKind.objects.create(slug="l"), person=person)
    assert ("project", "Netzwerkstudie") in kinds_and_titles("Quellmann")
    person.family_name = "Brückner"
    person.save()
    assert kinds_and_titles("Quellmann") == []
    assert ("project", "Netzwerkstudie") in kinds_and_titles("Brueckner")


# -- in step with the content ------------------------------------------------------------


def test_a_saved_project_is_found_by_its_new_words_only(db):
    project = make_project(1, title_de="Alte Überschrift", slug="p")
    assert titles("Überschrift") == ["Alte Überschrift"]
    project.title_de = "Neue Fassung"
    project.description_de = "Über Hafenlogistik."
    project.save()
    assert titles("Überschrift") == []
    assert titles("hafenlogistik") == ["Neue Fassung"]


def test_unpublishing_and_deleting_a_project_removes_it_and_who_only_it_named(db):
    project = make_project(1, title_de="Verborgenes Vorhaben", slug="p")
    funder = Organisation.objects.create(name="Stiftung Zebrafink", slug="zebrafink")
    Funding.objects.create(project=project, organisation=funder, name_as_listed="Zebrafink")
    person = Person.objects.create(given_name="Ida", family_name="Zebrafink", slug="ida")
    Role.objects.create(project=project, kind=RoleKind.objects.create(slug="l"), person=person)
    interview = Interview.objects.create(project=project, title="Zebrafink im Gespräch")
    interview.interviewees.add(person)
    interview.published = True
    interview.save()
    assert {kind for kind, _ in kinds_and_titles("Zebrafink")} == {
        "project",
        "organisation",
        "person",
        "interview",
    }
    project.published = False
    project.save()
    assert kinds_and_titles("Zebrafink") == []
    assert kinds_and_titles("Vorhaben") == []
    project.published = True
    project.save()
    assert len(kinds_and_titles("Zebrafink")) == 4
    interview.delete()
    Role.objects.filter(person=person).delete()
    # Ida is named nowhere public now; the project no longer names her.
    assert kinds_and_titles("Zebrafink") == [("organisation", "Stiftung Zebrafink")]
    project.delete()
    assert kinds_and_titles("Zebrafink") == []
    assert not SearchEntry.objects.exists()


def test_organisations_follow_their_fundings_and_partnerships(db):
    project = make_project(1, slug="p")
    partner = Organisation.objects.create(name="Werft Kranich", slug="kranich")
    assert titles("Kranich") == []  # no public project yet
    project.partners.add(partner)
    assert titles("Kranich") == ["Werft Kranich"]
    project.partners.clear()
    assert titles("Kranich") == []
    funding = Funding.objects.create(
        project=project, organisation=partner, name_as_listed="Kranichwerft Altona"
    )
    assert titles("Altona") == ["Werft Kranich"]  # the name the project lists
    other = Organisation.objects.create(name="Reederei Möwe", slug="moewe")
    funding.organisation = other
    funding.name_as_listed = "Möwe"
    funding.save()
    assert titles("Kranich") == []
    assert titles("Moewe") == ["Reederei Möwe"]
    other.name = "Reederei Seeschwalbe"
    other.save()
    assert titles("Seeschwalbe") == ["Reederei Seeschwalbe"]


def test_reports_follow_publishing_and_their_series(series):
    report = AnnualReport.objects.create(series=series, year=2031, file="jahresberichte/x.pdf")
    assert titles("2031") == []
    report.published = True
    report.save()
    assert titles("2031") == ["Jahresbericht Hamburger Cluster 2031"]
    assert titles("2031", "en") == ["Annual report Hamburg Cluster 2031"]
    series.title_de = "Bericht Cluster Süd"
    series.save()
    assert titles("2031") == ["Bericht Cluster Süd 2031"]
    report.delete()
    assert titles("2031") == []


def test_interviews_follow_their_people_and_publishing(db):
    project = make_project(1, slug="p")
    interview = Interview.objects.create(project=project, title="Gespräch am Kai", published=True)
    person = Person.objects.create(given_name="Uwe", family_name="Kaimauer", slug="uwe")
    assert titles("Kaimauer") == []
    interview.interviewees.add(person)
    assert set(titles("Kaimauer")) == {"Gespräch am Kai", "Uwe Kaimauer"}
    interview.interviewees.remove(person)
    assert titles("Kaimauer") == []
    interview.interviewer = person
    interview.save()
    assert set(titles("Kaimauer")) == {"Gespräch am Kai", "Uwe Kaimauer"}
    interview.published = False
    interview.save()
    assert titles("Kaimauer") == []


def test_unpublishing_an_interview_removes_the_people_only_it_names(db):
    project = make_project(1, slug="p")
    interview = Interview.objects.create(project=project, title="Gespräch am Deich", published=True)
    # Others first: the interviewee's id is not the id of their row in the relation.
    for n in range(3):
        Person.objects.create(given_name="Jan", family_name=f"Platzhalter{n}", slug=f"jan-{n}")
    person = Person.objects.create(given_name="Ole", family_name="Deichgraf", slug="ole")
    interview.interviewees.add(person)
    assert set(titles("Deichgraf")) == {"Gespräch am Deich", "Ole Deichgraf"}
    interview.published = False
    interview.save()
    assert titles("Deichgraf") == []


def test_statutory_pages_are_found_while_published(db):
    page = Page.objects.create(
        slug=Page.Kind.IMPRESSUM,
        title_de="Impressum",
        title_en="Legal notice",
        body_de="Verantwortlich: Professur für Organisationstheorie, Holstenhofweg 85.",
        body_en="Responsible: chair of organisation theory.",
    )
    assert titles("Holstenhofweg") == ["Impressum"]
    assert titles("Holstenhofweg", "en") == ["Legal notice"]
    page.published = False
    page.save()
    assert titles("Holstenhofweg") == []
    page.published = True
    page.save()
    page.delete()
    assert titles("Holstenhofweg") == []


def test_the_command_rebuilds_a_lost_index(archive):
    before = kinds_and_titles("Cluster")
    assert before
    SearchEntry.objects.all().delete()
    assert kinds_and_titles("Cluster") == []
    version = ContentVersion.objects.get().version
    call_command("rebuild_search_index", verbosity=0)
    assert kinds_and_titles("Cluster") == before
    # Cached search pages are not served from before the rebuild.
    assert ContentVersion.objects.get().version > version


def test_load_archive_builds_the_index(db):
    call_command("load_archive", verbosity=0)
    assert ("project", str(Project.objects.get(code="P01"))) in kinds_and_titles("Wulfsberg")
    assert titles("Impressum")


# -- hostile queries -----------------------------------------------------------------------

HOSTILE = [
    '"',
    '""',
    '"Cluster',
    'Cluster"',
    "*",
    "Clus*",
    "NEAR",
    "NEAR(Cluster Hamburg)",
    "Cluster NEAR/2 Hamburg",
    "Cluster OR Hamburg",
    "Cluster AND Hamburg",
    "Cluster NOT Hamburg",
    "-Cluster",
    "Cluster -Hamburg",
    "^Cluster",
    "title:Cluster",
    "folded : Cluster",
    "{title folded}: Cluster",
    "(Cluster",
    "Cluster)",
    "((Cluster OR",
    "Cluster & !Hamburg | x:*",
    "'Cluster'",
    "%",
    "_",
    "Clu%ter",
    "\\",
    "a" * 10_000,
    "Cluster " * 2_000,
    "\x00",
    "Clus\x00ter",
    "\x01\x02\x03\x1f\x7f",
    "\u202e\u200b",
    "<mark>Cluster</mark>",
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_query_syntax_is_only_text(client, archive, q):
    response = search_page(client, q)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<mark>Cluster</mark></mark>" not in html
    if response.context["query"]:
        # Words typed find what they say; what the search languages make of them does not
        # count: "Cluster OR Hamburg" needs both words, "-Hamburg" still finds Hamburg.
        query = response.context["query"]
        if response.context["approximate"]:  # PostgreSQL's similar spellings, where no match
            expected = sum(counts(similar(query)).values())
        else:
            expected = live_count(query.text)
        assert response.context["total"] == expected


def test_search_operators_are_words_to_find(archive):
    assert live_count("Cluster OR Raumfahrtagentur") == 0
    assert Query.parse("Cluster NOT Hamburg").terms[1] == ["not"]  # a word like any other
    assert live_count("Cluster -Hamburg") == live_count("Cluster Hamburg") > 0
    assert live_count("Clus*") == live_count("Clus")


def test_a_ten_thousand_character_query_is_cut_with_a_note(client, archive):
    html = search_page(client, "Cluster" + " x" * 5_000).content.decode()
    assert "ersten 200 Zeichen" in html
    html = search_page(client, "Cluster" + " x" * 5_000, language="en").content.decode()
    assert "first 200 characters" in html


def test_nul_and_control_characters_separate_words(archive):
    assert live_count("Clus\x00ter") == live_count("Clus ter")
    assert live_count("Cluster\x00Hamburg") == live_count("Cluster Hamburg")


# -- pages of results ----------------------------------------------------------------------


def test_a_page_of_results_is_bounded(client, db):
    populate(45)
    response = search_page(client, "Testprojekt")
    assert response.context["total"] == 45
    assert len(response.context["results"]) == 10
    html = response.content.decode()
    assert 'rel="next"' in html and "Seite 1 von 5" in html
    last = search_page(client, "Testprojekt", page="5")
    assert len(last.context["results"]) == 5
    assert 'rel="prev"' in last.content.decode()


# -- misspellings (pg_trgm) ----------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm: PostgreSQL only")
def test_small_misspellings_are_found_with_a_note(client, archive):
    response = search_page(client, "Wulfsburg")
    assert response.context["approximate"]
    assert response.context["total"] >= 1
    html = response.content.decode()
    assert "Prof. Dr. Jens Wulfsberg" in html
    assert "Keine genauen Treffer" in html


def test_exact_matches_need_no_note(client, archive):
    response = search_page(client, "Wulfsberg")
    assert not response.context["approximate"]
    assert "Keine genauen Treffer" not in response.content.decode()


# -- the migration -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_backwards_and_forwards():
    call_command("loaddata", "archive", verbosity=0)
    call_command("migrate", "search", "zero", verbosity=0)
    tables = connection.introspection.table_names()
    assert SearchEntry._meta.db_table not in tables
    assert "search_fts" not in tables
    # Forwards, the index is built at once for the content there is, …
    call_command("migrate", "search", verbosity=0)
    assert SearchEntry._meta.db_table in connection.introspection.table_names()
    assert kinds_and_titles("Wulfsberg")[0] == ("person", "Prof. Dr. Jens Wulfsberg")
    # … and saves keep it in step again.
    project = Project.objects.get(code="P01")
    project.title_de = "Umbenannt"
    project.save()
    assert ("project", "P01: Umbenannt") in kinds_and_titles("Umbenannt")
