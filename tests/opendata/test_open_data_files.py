"""Open data as files: manage.py write_open_data writes them, the downloads send them.

Built inside a request the open data grows with the archive; written by the command it
is a file the views (or nginx) send. These tests hold the command to the bytes the live
download sends, and the views to sending the files once written.
"""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from opendata import files as open_data
from opendata.archive import Archive
from projects.models import Project

pytestmark = pytest.mark.django_db

BASE_URL = "http://testserver"
FIXED_NOW = datetime.datetime(2026, 5, 4, 10, 30, tzinfo=datetime.UTC)


def downloads():
    """Every download: (address, file name)."""
    yield reverse("opendata:json"), open_data.JSON_NAME
    for table in Archive.TABLES:
        yield reverse("opendata:csv", args=[table]), open_data.csv_name(table)


def body(response):
    assert response.status_code in (200, 206)
    return b"".join(response.streaming_content)


def write(**options):
    out = StringIO()
    call_command("write_open_data", base_url=BASE_URL, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def frozen(monkeypatch):
    """One moment for the live answer and the file: the JSON names when it was made."""
    monkeypatch.setattr(timezone, "now", lambda: FIXED_NOW)


def test_the_files_hold_the_bytes_of_the_live_downloads(client, archive, frozen, open_data_root):
    live = {}
    for url, name in downloads():
        response = client.get(url)
        # No file yet: the view builds the data as it sends it, without validators.
        assert response.streaming and "ETag" not in response
        live[name] = body(response)
    assert live[open_data.JSON_NAME].startswith(b'{\n  "title": ')
    assert live[open_data.csv_name("projekte")].startswith("\ufeffslug,".encode())

    assert "8 Dateien geschrieben" in write()

    for url, name in downloads():
        assert (open_data_root / name).read_bytes() == live[name], name
        response = client.get(url)
        assert body(response) == live[name], name
        # Sent as a file: validators and ranges, under the download's own name.
        assert response["ETag"] and response["Accept-Ranges"] == "bytes"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(reverse("opendata:json"))["Content-Type"] == "application/json"
    table = client.get(reverse("opendata:csv", args=["rollen"]))
    assert table["Content-Type"] == "text/csv; charset=utf-8"
    assert not list(open_data_root.glob(".*"))  # no temporary file left behind


def test_a_written_file_answers_a_range_and_a_revalidation(client, archive, open_data_root):
    write()
    url = reverse("opendata:json")
    whole = (open_data_root / open_data.JSON_NAME).read_bytes()
    part = client.get(url, HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206
    assert body(part) == whole[:100]
    assert part["Content-Range"] == f"bytes 0-99/{len(whole)}"
    again = client.get(url, HTTP_IF_NONE_MATCH=part["ETag"])
    assert again.status_code == 304


def test_behind_nginx_the_view_hands_the_file_over(client, archive, settings):
    settings.OPEN_DATA_ACCEL_REDIRECT_PREFIX = "/_open_data/"
    write()
    response = client.get(reverse("opendata:csv", args=["personen"]))
    assert response["X-Accel-Redirect"] == "/_open_data/projektarchiv-personen.csv"
    assert response.content == b""
    assert response["Content-Disposition"] == 'attachment; filename="projektarchiv-personen.csv"'


def test_an_unknown_table_is_a_404_also_with_files(client, archive, open_data_root):
    write()
    (open_data_root / "projektarchiv-geheim.csv").write_text("nicht ausliefern")
    for table in ("geheim", "stand"):
        response = client.get(reverse("opendata:csv", args=[table]))
        assert response.status_code == 404


def test_if_changed_skips_current_files_and_rewrites_after_a_change(
    client, archive, open_data_root
):
    write()
    path = open_data_root / open_data.JSON_NAME
    before = path.stat().st_mtime_ns, path.read_bytes()
    assert "nichts geschrieben" in write(if_changed=True)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before

    project = Project.objects.get(code="P01")
    project.title_de = "Ein neuer Titel für die offenen Daten"
    project.save()
    # Until the files are written again, the downloads send the last ones.
    stale = body(client.get(reverse("opendata:json"))).decode()
    assert "Ein neuer Titel" not in stale

    assert "8 Dateien geschrieben" in write(if_changed=True)
    assert "Ein neuer Titel für die offenen Daten" in path.read_text()
    assert "Ein neuer Titel für die offenen Daten" in body(
        client.get(reverse("opendata:json"))
    ).decode("utf-8")
    assert "nichts geschrieben" in write(if_changed=True)


def test_if_changed_rewrites_for_another_base_address(archive, open_data_root):
    write()
    out = StringIO()
    call_command(
        "write_open_data", base_url="https://archiv.example.org", if_changed=True, stdout=out
    )
    assert "8 Dateien geschrieben" in out.getvalue()
    data = json.loads((open_data_root / open_data.JSON_NAME).read_text())
    assert data["source"] == "https://archiv.example.org/de/"
    assert data["projects"][0]["url_de"].startswith("https://archiv.example.org/de/")


def test_a_failure_while_writing_keeps_the_old_files_and_leaves_no_partial_one(
    archive, open_data_root, monkeypatch
):
    write()
    before = {path.name: path.read_bytes() for path in open_data_root.iterdir()}
    project = Project.objects.get(code="P01")
    project.title_de = "Nie geschrieben"
    project.save()
    real = Archive.csv_text

    def broken(self, name):
        if name == "rollen":
            yield "slug,kind\r\n" * 5000  # some of the table is on disk already
            raise OSError("Kein Platz mehr auf dem Gerät")
        yield from real(self, name)

    monkeypatch.setattr(Archive, "csv_text", broken)
    with pytest.raises(CommandError, match="Kein Platz"):
        write(if_changed=True)
    after = {path.name: path.read_bytes() for path in open_data_root.iterdir()}
    # The JSON before the broken table was renamed into place; the table and the stand
    # are the old ones, so the next run writes everything again.
    assert set(after) == set(before)
    assert after[open_data.csv_name("rollen")] == before[open_data.csv_name("rollen")]
    assert after[open_data.STAND_NAME] == before[open_data.STAND_NAME]
    monkeypatch.undo()
    assert "8 Dateien geschrieben" in write(if_changed=True)


def test_unpublished_content_is_never_written(archive, open_data_root):
    project = Project.objects.get(code="P02")
    write()
    assert project.slug in (open_data_root / open_data.JSON_NAME).read_text()
    project.published = False
    project.save()
    write(if_changed=True)
    for name in open_data.file_names():
        assert project.slug not in (open_data_root / name).read_text(encoding="utf-8"), name
    assert "editor_notes" not in (open_data_root / open_data.JSON_NAME).read_text()


def test_a_wrong_base_address_writes_nothing(archive, open_data_root):
    for value in ("archiv.example.org", "https://archiv.example.org/de/", "ftp://x"):
        with pytest.raises(CommandError, match="--base-url"):
            call_command("write_open_data", base_url=value, stdout=StringIO())
    assert not open_data_root.exists()


def test_the_page_names_the_date_of_the_files(client, archive, frozen):
    page = client.get(reverse("opendata:page"))
    assert "Stand:" not in page.content.decode()  # no files: the downloads are live
    write()
    german = client.get(reverse("opendata:page")).content.decode()
    # 10:30 UTC is 12:30 in Hamburg in May.
    assert 'Stand: <time datetime="2026-05-04T12:30:00+02:00">4. Mai 2026 12:30</time>' in german
    with translation.override("en"):
        english = client.get(reverse("opendata:page"))
    assert "As of <time" in english.content.decode()
    # The date changes without a change of the content: the page cache must not keep it.
    assert "no-cache" in english["Cache-Control"]


def test_the_static_export_builds_the_open_data_live(archive, tmp_path, settings):
    """The export names its own addresses in the data: it never takes the files the
    command wrote for the live site."""
    call_command("write_open_data", base_url="https://archiv.example.org", stdout=StringIO())
    target = tmp_path / "export"
    call_command("export_site", str(target), verbosity=0)
    exported = (target / reverse("opendata:json").lstrip("/")).read_text()
    assert "archiv.example.org" not in exported
    assert json.loads(exported)["source"] == "/de/"
