"""Open data: the public archive as JSON and CSV, with the licence editors set."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opendata import archive as exports
from opendata.archive import Archive
from opendata.models import DEFAULT_LICENCE_NAME, OpenDataLicence
from projects.models import Project

from tests.factories import populate

pytestmark = pytest.mark.django_db


def download_json(client):
    response = client.get(reverse("opendata:json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="projektarchiv.json"' in response["Content-Disposition"]
    assert response.streaming
    return json.loads(response.getvalue())


def download_csv(client, table):
    response = client.get(reverse("opendata:csv", args=[table]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = response.getvalue().decode("utf-8")
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
    text = client.get(reverse("opendata:json")).getvalue().decode()
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
    assert client.get(reverse("opendata:csv", args=["geheim"])).status_code == 404


def test_the_page_names_the_licence_editors_set(client, archive):
    html = client.get(reverse("opendata:page")).content.decode()
    assert DEFAULT_LICENCE_NAME in html
    assert not OpenDataLicence.objects.exists()  # reading the default wrote nothing
    OpenDataLicence.objects.create(
        name="CC0 1.0",
        url="https://creativecommons.org/publicdomain/zero/1.0/",
        attribution_de="Quelle: Projektarchiv",
    )
    html = client.get(reverse("opendata:page")).content.decode()
    assert "CC0 1.0" in html and "Quelle: Projektarchiv" in html
    assert download_json(client)["licence"]["name"] == "CC0 1.0"
    assert html.count("<h1") == 1
    for table in Archive.TABLES:
        assert reverse("opendata:csv", args=[table]) in html


def test_editors_change_the_licence_in_the_admin(admin_client, db):
    add = reverse("admin:opendata_opendatalicence_add")
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
    delete = reverse("admin:opendata_opendatalicence_delete", args=[licence.pk])
    assert admin_client.get(delete).status_code == 403


def export_json(client):
    """The JSON download as text, and the queries it took (a streamed response reads the
    database while it is sent)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("opendata:json"))
        assert response.status_code == 200
        text = response.getvalue().decode("utf-8")
    return text, len(queries)


def without_timestamp(text):
    return "\n".join(line for line in text.splitlines() if '"generated":' not in line)


def test_the_json_is_written_as_one_json_dumps_of_the_whole_document(client, archive):
    """Streamed piece by piece, the file is byte for byte what json.dumps(indent=2) makes
    of the whole document (as the download did before it streamed)."""
    populate(3)
    text, _ = export_json(client)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    assert '"projects": [\n    {\n      "slug": ' in text


def test_an_empty_archive_is_valid_json(client, db):
    text, _ = export_json(client)
    data = json.loads(text)
    assert data["projects"] == [] and data["people"] == []
    assert text == json.dumps(data, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("table", list(Archive.TABLES))
def test_every_csv_table_is_what_the_csv_module_writes(client, archive, table):
    response = client.get(reverse("opendata:csv", args=[table]))
    text = response.getvalue().decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    again = io.StringIO()
    writer = csv.DictWriter(again, fieldnames=Archive.TABLES[table], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    assert text == again.getvalue()


def test_export_reads_the_archive_in_chunks_with_the_same_result(client, db, monkeypatch):
    """The queries grow with the chunks, not with the entries: 5 and 100 projects in one
    chunk take the same queries; read ten at a time, the 100 take more, and the file
    is the same."""
    populate(100)
    whole, one_chunk = export_json(client)
    assert len(json.loads(whole)["projects"]) == 100
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    monkeypatch.setattr(exports, "PIECE_SIZE", 100)
    chunked, ten_chunks = export_json(client)
    assert without_timestamp(chunked) == without_timestamp(whole)
    assert ten_chunks > one_chunk
    monkeypatch.undo()
    Project.objects.filter(pk__in=list(Project.objects.values_list("pk", flat=True)[5:])).delete()
    few, few_queries = export_json(client)
    assert len(json.loads(few)["projects"]) == 5
    assert few_queries == one_chunk <= 16
