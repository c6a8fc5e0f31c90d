"""Accessible PDFs (BITV 2.0): each upload is checked for tags, language and title; editors
are warned, and the accessibility statement lists what is not accessible from that data."""

import importlib
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from pages.models import Page
from reports.models import AnnualReport
from reports.placeholders import render_placeholder_pdf
from reports.validators import inspect_pdf

from tests.media_builders import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

statement_migration = importlib.import_module(
    "clusterspace.migrations.0005_statement_document_list"
)


class MigrationApps:
    """The registry the migration's functions get: Page is the model that has its table
    now (pages.Page; the migration knew it as clusterspace.Page)."""

    def get_model(self, app_label, model_name):
        assert model_name == "Page"
        return Page


def tagged_pdf():
    return render_placeholder_pdf("Jahresbericht Hamburger Cluster 2022")


def admin_upload(admin_client, series, data, year=2022):
    return admin_client.post(
        reverse("admin:reports_annualreport_add"),
        {
            "series": series.pk,
            "year": year,
            "editor_notes": "",
            "published": "on",
            "file": pdf_upload(data, name="bericht.pdf"),
        },
        follow=True,
    )


def report_with(series, data, year, published=True):
    report = AnnualReport(series=series, year=year, file=pdf_upload(data), published=published)
    report.full_clean()
    report.save()
    return report


def statement(client, language="de"):
    call_command("loaddata", "pages", verbosity=0)
    with translation.override(language):
        url = reverse(f"pages:{Page.Kind.BARRIEREFREIHEIT}")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_check_reads_tags_language_and_title():
    plain = inspect_pdf(io.BytesIO(pdf_bytes())).accessibility
    assert (plain.tagged, plain.language, plain.title) == (False, "", "")
    tagged = inspect_pdf(io.BytesIO(tagged_pdf())).accessibility
    assert tagged.tagged is True
    assert tagged.language == "de-DE"
    assert tagged.title == "Platzhalter – Jahresbericht Hamburger Cluster 2022"


def test_an_untagged_upload_is_kept_with_a_warning_naming_what_is_missing(admin_client, series):
    response = admin_upload(admin_client, series, pdf_bytes())
    report = AnnualReport.objects.get()  # saved: a warning, not a refusal
    assert (report.pdf_tagged, report.pdf_language, report.pdf_title) == (False, "", "")
    messages = [str(message) for message in response.context["messages"]]
    (warning,) = [m for m in messages if "nicht barrierefrei" in m]
    for gap in ("nicht getaggt", "keine Sprache angegeben", "kein Titel"):
        assert gap in warning


def test_an_accessible_upload_gets_no_warning(admin_client, series):
    response = admin_upload(admin_client, series, tagged_pdf())
    report = AnnualReport.objects.get()
    assert report.accessibility_gaps == []
    assert not [m for m in response.context["messages"] if "nicht barrierefrei" in str(m)]


def test_admin_filter_nicht_barrierefrei(admin_client, series):
    untagged = report_with(series, pdf_bytes(), 2021)
    tagged = report_with(series, tagged_pdf(), 2022)
    changelist = reverse("admin:reports_annualreport_changelist")
    listed = admin_client.get(changelist, {"barrierefrei": "nein"}).context["cl"].result_list
    assert list(listed) == [untagged]
    listed = admin_client.get(changelist, {"barrierefrei": "ja"}).context["cl"].result_list
    assert list(listed) == [tagged]
    assert "nicht barrierefrei" in admin_client.get(changelist).content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "gap"),
    [
        ("de", "Dokumente, die noch nicht barrierefrei sind", "nicht getaggt"),
        ("en", "Documents that are not accessible yet", "not tagged"),
    ],
)
def test_statement_lists_published_inaccessible_reports_from_the_data(
    client, series, language, heading, gap
):
    report_with(series, pdf_bytes(), 2019)
    report_with(series, pdf_bytes(), 2020, published=False)  # not public: not listed
    report_with(series, tagged_pdf(), 2021)  # accessible: not listed
    content = statement(client, language)
    section = content[content.index(heading) :]
    section = section[: section.index("</section>")]
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(items) == 1
    assert "2019" in items[0] and gap in items[0]
    # In place of the marker, inside the section on non-accessible content.
    assert "[Dokumentenliste]" not in content and "[Document list]" not in content
    assert content.index(heading) < content.index(
        "Erstellung dieser Erklärung" if language == "de" else "Preparation of this statement"
    )


def test_statement_says_so_when_every_document_is_accessible(client, series):
    report_with(series, tagged_pdf(), 2021)
    content = statement(client)
    assert "Alle veröffentlichten Dokumente sind nach der Prüfung beim Hochladen getaggt" in (
        content
    )
    assert "Jahresbericht Hamburger Cluster 2021" not in content


def test_the_archive_placeholders_pass_the_same_check(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_archive", stdout=io.StringIO())
    reports = AnnualReport.objects.all()
    assert reports.count() == 5
    for report in reports:
        assert report.accessibility_gaps == [], report
        reader = PdfReader(settings.MEDIA_ROOT / report.file.name)
        assert "/StructTreeRoot" in reader.root_object
    assert not AnnualReport.objects.not_accessible().exists()


def test_render_pictures_missing_checks_reports_never_checked(series):
    report = report_with(series, pdf_bytes(), 2022)
    AnnualReport.objects.filter(pk=report.pk).update(pdf_tagged=None)
    report.refresh_from_db()
    assert report.accessibility_gaps == ["noch nicht geprüft"]
    call_command("render_pictures", "--missing", stdout=io.StringIO())
    report.refresh_from_db()
    assert report.pdf_tagged is False
    assert "nicht getaggt (kein Strukturbaum)" in report.accessibility_gaps


def fixture_statement():
    pages = json.loads((Path(settings.BASE_DIR) / "fixtures" / "pages.json").read_text())
    (fields,) = [p["fields"] for p in pages if p["fields"]["slug"] == "barrierefreiheit"]
    return fields


def test_migration_swaps_the_written_report_line_for_the_generated_list_and_back(db):
    fields = fixture_statement()
    written = {}
    for field in ("body_de", "body_en"):
        text = fields[field].replace(
            f"{statement_migration.TAIL[field]}\n\n{statement_migration.MARKER[field]}",
            statement_migration.TAIL[field],
        )
        first = text.index("\n- ") + 1
        written[field] = text[:first] + statement_migration.OLD[field] + text[first:]
    Page.objects.create(
        slug="barrierefreiheit",
        title="Erklärung zur Barrierefreiheit",
        body=written["body_de"],
        body_de=written["body_de"],
        body_en=written["body_en"],
    )
    statement_migration.generated_list(MigrationApps(), None)
    page = Page.objects.get()
    assert (page.body_de, page.body_en) == (fields["body_de"], fields["body_en"])
    statement_migration.written_list(MigrationApps(), None)
    page.refresh_from_db()
    assert (page.body_de, page.body_en) == (written["body_de"], written["body_en"])
