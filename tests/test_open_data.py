"""Open data: the public archive as JSON and CSV, with the licence editors set."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterspace.exports import Archive
from clusterspace.models import DEFAULT_LICENCE_NAME, OpenDataLicence
from projects.models import Project

from .factories import populate

pytestmark = pytest.mark.django_db


def download_json(client):
    response = client.get(reverse("site:export_json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="projektarchiv.json"' in response["Content-Disposition"]
    return json.loads(response.content)


def download_csv(client, table):
    response = client.get(reverse("site:export_csv", args=[table]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_json_holds_projects_with_funders_roles_reports_and_interviews(client, archive):
    data = download_json(client)
    assert data["licence"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
        "attribution_de": None,
        "attribution_en": None,
    }
    projects = {project["code"] or project["slug"]: project for project in data["projects"]}
    assert set(projects) == {"P01", "P02", "P03", "P04", "cross-cluster-space-hamburg"}
    ccs = projects["cross-cluster-space-hamburg"]
    assert ccs["start"] == "2023-04" and ccs["end"] == "2026-03"
    assert ccs["predecessor"] == "co-learning-space-neue-felder-und-akteure"
    assert ccs["title_de"] and ccs["title_en"]
    assert {funding["organisation"] for funding in ccs["fundings"]} == {"efre", "bwi"}
    assert {"person": "stephan-duschek"}.items() <= ccs["roles"][0].items()
    assert ccs["reports"] == [{"series": "jahresbericht-hamburger-cluster", "year": 2022}]
    (interview,) = ccs["interviews"]
    assert interview["interviewer"] == "elke-jochmann"
    assert set(interview["interviewees"]) == {"sebastian-alrutz", "anna-vogel"}
    p03 = projects["P03"]
    assert p03["fundings"][1]["short_name_as_listed_de"] == "BWVI"
    assert {person["slug"] for person in data["people"]} >= {"stephan-duschek", "uta-voigt"}
    assert {org["slug"] for org in data["organisations"]} >= {"efre", "bwi", "bmbf"}
    assert len(data["reports"]) == 5
    assert data["reports"][0]["pdf"].startswith("http://testserver/de/")


def test_json_has_no_research_notes(client, archive):
    text = client.get(reverse("site:export_json")).content.decode()
    assert "editor_notes" not in text


@pytest.mark.parametrize("table", list(Archive.TABLES))
def test_every_csv_table_has_its_columns(client, archive, table):
    rows = download_csv(client, table)
    assert rows
    assert list(rows[0]) == list(Archive.TABLES[table])


def test_csv_rows_are_flat(client, archive):
    roles = download_csv(client, "rollen")
    nn = [row for row in roles if row["person"] == ""]
    assert nn and nn[0]["name_as_listed"] == "N.N."
    assert {row["is_former"] for row in roles} == {"true", "false"}
    reports = download_csv(client, "jahresberichte")
    assert {row["projects"] for row in reports} >= {"co-learning-space-neue-felder-und-akteure"}


def test_a_title_that_looks_like_a_formula_is_not_run_by_spreadsheets(client, archive):
    project = Project.objects.get(code="P01")
    project.title_de = '=HYPERLINK("http://example.invalid","klick")'
    project.save()
    rows = download_csv(client, "projekte")
    title = next(row["title_de"] for row in rows if row["code"] == "P01")
    assert title == "'" + project.title_de


def test_unknown_table_is_a_404(client, archive):
    assert client.get(reverse("site:export_csv", args=["geheim"])).status_code == 404


def test_the_page_names_the_licence_editors_set(client, archive):
    html = client.get(reverse("site:open_data")).content.decode()
    assert DEFAULT_LICENCE_NAME in html
    assert not OpenDataLicence.objects.exists()  # reading the default wrote nothing
    OpenDataLicence.objects.create(
        name="CC0 1.0",
        url="https://creativecommons.org/publicdomain/zero/1.0/",
        attribution_de="Quelle: Projektarchiv",
    )
    html = client.get(reverse("site:open_data")).content.decode()
    assert "CC0 1.0" in html and "Quelle: Projektarchiv" in html
    assert download_json(client)["licence"]["name"] == "CC0 1.0"
    assert html.count("<h1") == 1
    for table in Archive.TABLES:
        assert reverse("site:export_csv", args=[table]) in html


def test_editors_change_the_licence_in_the_admin(admin_client, db):
    add = reverse("admin:clusterspace_opendatalicence_add")
    response = admin_client.post(
        add,
        {
            "name": "CC BY-SA 4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
            "attribution_de": "",
            "attribution_en": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OpenDataLicence.current().name == "CC BY-SA 4.0"
    # One licence: no second one, and it cannot be deleted.
    assert admin_client.get(add).status_code == 403
    licence = OpenDataLicence.current()
    delete = reverse("admin:clusterspace_opendatalicence_delete", args=[licence.pk])
    assert admin_client.get(delete).status_code == 403


def test_export_query_count_does_not_grow_with_the_archive(client, db):
    """The same number of queries for 100 and for 5 projects (the number itself follows
    clusterspace.composed.for_project_page, whose budget tests/test_queries.py keeps)."""

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("site:export_json"))
        assert response.status_code == 200
        return len(queries), len(json.loads(response.content)["projects"])

    populate(100)
    many = count()
    Project.objects.filter(pk__in=list(Project.objects.values_list("pk", flat=True)[5:])).delete()
    few = count()
    assert (many[1], few[1]) == (100, 5)
    assert many[0] == few[0] <= 16
