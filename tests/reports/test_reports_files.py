"""Report PDFs: only real PDFs are accepted; names, metadata, covers and cleanup."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from PIL import Image

from reports import processing
from reports.models import AnnualReport, ReportSeries
from reports.placeholders import render_placeholder_pdf

from tests.media_builders import (
    A4_LANDSCAPE,
    drawn_pdf_bytes,
    files_under,
    image_bytes,
    pdf_bytes,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

STEM = "jahresbericht-hamburger-cluster-2022"


def upload_report(series, data=None, year=2022, **fields):
    """Create a report the way a form does: full_clean(), then save()."""
    report = AnnualReport(series=series, year=year, file=pdf_upload(data), **fields)
    report.full_clean()
    report.save()
    return report


def cover_files(report):
    return [report.cover_webp.name, report.cover_fallback.name]


# --- Refusals -------------------------------------------------------------------------

REFUSALS = {
    "text renamed .pdf": (b"Jahresbericht 2022\nnur Text\n" * 20, "keine PDF-Datei"),
    "image renamed .pdf": (image_bytes("PNG"), "keine PDF-Datei"),
    "truncated": (pdf_bytes(pages=5)[:-300], "unvollständig"),
    "cut in half": (drawn_pdf_bytes(3)[: len(drawn_pdf_bytes(3)) // 2], "unvollständig"),
    "corrupt inside": (b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n", "beschädigt"),
    "password to open": (pdf_bytes(user_password="geheim"), "kennwortgeschützt"),
    "owner password only": (pdf_bytes(owner_password="rechte"), "kennwortgeschützt"),
    "no pages": (pdf_bytes(pages=0), "keine Seiten"),
    "empty": (b"", "leer"),
    # Polyglots: a PDF behind another format's header, which PDF readers still open.
    "zip header before the pdf": (b"PK\x03\x04" + b"\x00" * 26 + pdf_bytes(), "keine reine PDF"),
    "html before the pdf": (b"<!DOCTYPE html><html>" + pdf_bytes(), "keine reine PDF"),
    "byte order mark before the pdf": (b"\xef\xbb\xbf" + pdf_bytes(), "keine reine PDF"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_refused_upload_leaves_no_row_and_no_file(series, media_root, case):
    data, message = REFUSALS[case]
    report = AnnualReport(series=series, year=2022, file=pdf_upload(data, name=f"{STEM}.pdf"))
    with pytest.raises(ValidationError) as refusal:
        report.full_clean()
    assert message in " ".join(refusal.value.message_dict["file"])
    assert AnnualReport.objects.count() == 0
    assert files_under(media_root) == []


def test_oversized_file_is_refused_with_both_sizes(series, media_root, settings):
    settings.REPORT_MAX_UPLOAD_BYTES = 500
    data = pdf_bytes(pages=3)
    report = AnnualReport(series=series, year=2022, file=pdf_upload(data))
    with pytest.raises(ValidationError) as refusal:
        report.full_clean()
    (message,) = refusal.value.message_dict["file"]
    assert message.startswith(
        f"Die Datei ist {len(data)}\xa0Bytes groß; erlaubt sind höchstens 500"
    )
    assert files_under(media_root) == []


def test_saving_without_full_clean_still_refuses_before_writing(series, media_root):
    report = AnnualReport(series=series, year=2022, file=pdf_upload(b"kein PDF" * 100))
    with pytest.raises(ValidationError):
        report.save()
    assert AnnualReport.objects.count() == 0
    assert files_under(media_root) == []


def admin_add(admin_client, series, file, **extra):
    data = {"series": series.pk, "year": 2022, "editor_notes": "", "file": file, **extra}
    return admin_client.post(reverse("admin:reports_annualreport_add"), data)


@pytest.mark.parametrize(
    "case",
    ["text renamed .pdf", "truncated", "password to open", "zip header before the pdf"],
    ids=str,
)
def test_admin_refuses_a_bad_pdf_with_a_german_message(admin_client, series, media_root, case):
    data, message = REFUSALS[case]
    response = admin_add(admin_client, series, pdf_upload(data, name=f"{STEM}.pdf"))
    assert response.status_code == 200  # the form again, not a redirect
    errors = response.context["adminform"].form.errors["file"]
    assert message in " ".join(errors)
    assert message in response.content.decode()
    assert AnnualReport.objects.count() == 0
    assert files_under(media_root) == []


def test_admin_refuses_an_oversized_pdf(admin_client, series, media_root, settings):
    settings.REPORT_MAX_UPLOAD_BYTES = 500
    response = admin_add(admin_client, series, pdf_upload(pdf_bytes(pages=4)))
    assert response.status_code == 200
    assert "erlaubt sind höchstens 500" in response.content.decode()
    assert AnnualReport.objects.count() == 0
    assert files_under(media_root) == []


def test_admin_form_with_another_error_writes_no_file(admin_client, series, media_root):
    response = admin_add(admin_client, series, pdf_upload(), year=1800)
    assert response.status_code == 200
    assert AnnualReport.objects.count() == 0
    assert files_under(media_root) == []


# --- Accepted uploads: name, metadata, covers -----------------------------------------


def test_admin_upload_stores_clean_name_metadata_and_covers(
    admin_client, series, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_add(admin_client, series, pdf_upload(name="Scan 0001 (final).PDF"))
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert report.file.name == f"jahresberichte/{STEM}.pdf"
    assert report.page_count == 3
    assert report.file_size == len(pdf_bytes())
    assert len(report.file_sha256) == 64
    assert report.cover_webp.name.startswith(f"titelbilder/{STEM}-")
    assert report.cover_webp.name.endswith(".webp")
    assert report.cover_fallback.name.endswith(".jpg")
    # A4 portrait in a 150 CSS pixel wide slot, drawn at twice that.
    assert (report.cover_width, report.cover_height) == (150, 212)
    with default_storage.open(report.cover_webp.name) as webp:
        assert Image.open(webp).format == "WEBP"
        width, height = Image.open(webp).size
    assert width == 300 and abs(height - 424) <= 1
    with default_storage.open(report.cover_fallback.name) as jpeg:
        assert Image.open(jpeg).format == "JPEG"
    assert sorted(files_under(media_root)) == sorted([report.file.name, *cover_files(report)])


def test_cover_shows_the_first_page(series):
    report = upload_report(series, drawn_pdf_bytes(2))
    with default_storage.open(report.cover_fallback.name) as jpeg:
        image = Image.open(jpeg).convert("RGB")
        # The drawn page has a dark blue band at the top and is white below.
        width, height = image.size
        band = image.getpixel((width // 2, int(height * 0.13)))
        paper = image.getpixel((width // 2, int(height * 0.8)))
    assert band[2] > band[0] + 40 and sum(band) < 400
    assert paper == (255, 255, 255) or min(paper) > 240


def test_landscape_cover_keeps_its_proportions(series):
    report = upload_report(series, pdf_bytes(pages=1, size=A4_LANDSCAPE))
    assert (report.cover_width, report.cover_height) == (150, 106)


def test_umlauts_are_written_out_in_the_file_name(db):
    series = ReportSeries.objects.create(title="Größenbericht Süd", slug="sued")
    report = upload_report(series, year=2020)
    assert report.file.name == "jahresberichte/groessenbericht-sued-2020.pdf"
    assert report.filename == "groessenbericht-sued-2020.pdf"


def test_a_name_taken_by_another_entry_is_never_overwritten(series, db):
    namesake = ReportSeries.objects.create(
        title="Jahresbericht Hamburger Cluster",
        title_de="Jahresbericht Hamburger Cluster",
        slug="namensvetter",
    )
    first = upload_report(series, pdf_bytes(pages=2))
    second = upload_report(namesake, pdf_bytes(pages=4))
    assert first.file.name == f"jahresberichte/{STEM}.pdf"
    assert second.file.name == f"jahresberichte/{STEM}-2.pdf"
    first.refresh_from_db()
    assert first.page_count == 2
    with default_storage.open(first.file.name) as stored:
        assert stored.read() == pdf_bytes(pages=2)


# --- Replacing and deleting -----------------------------------------------------------


def test_replacing_the_file_removes_the_old_file_and_covers_after_commit(
    series, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = upload_report(series, pdf_bytes(pages=3))
    old_files = [report.file.name, *cover_files(report)]

    report = AnnualReport.objects.get(pk=report.pk)
    report.file = pdf_upload(pdf_bytes(pages=5, size=A4_LANDSCAPE))
    report.full_clean()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report.save()
    # Until the commit, the old files stay: a rollback would still find them.
    assert all(default_storage.exists(name) for name in old_files)
    for callback in callbacks:
        callback()

    report.refresh_from_db()
    assert not any(default_storage.exists(name) for name in old_files)
    assert report.file.name == f"jahresberichte/{STEM}-2.pdf"
    assert report.page_count == 5
    assert (report.cover_width, report.cover_height) == (150, 106)  # drawn again
    assert sorted(files_under(media_root)) == sorted([report.file.name, *cover_files(report)])

    # The next replacement takes the clean name again.
    report.file = pdf_upload(pdf_bytes(pages=1))
    report.full_clean()
    with django_capture_on_commit_callbacks(execute=True):
        report.save()
    assert report.file.name == f"jahresberichte/{STEM}.pdf"
    assert len(files_under(media_root)) == 3


def test_admin_replacement_removes_the_old_files(
    admin_client, series, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = upload_report(series, published=True)
    old_files = [report.file.name, *cover_files(report)]
    url = reverse("admin:reports_annualreport_change", args=[report.pk])
    data = {
        "series": series.pk,
        "year": 2022,
        "editor_notes": "",
        "published": "on",
        "file": pdf_upload(pdf_bytes(pages=7)),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.page_count == 7
    assert not any(default_storage.exists(name) for name in old_files)
    assert sorted(files_under(media_root)) == sorted([report.file.name, *cover_files(report)])


def test_admin_refused_replacement_keeps_the_old_file(
    admin_client, series, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = upload_report(series)
    before = files_under(media_root)
    url = reverse("admin:reports_annualreport_change", args=[report.pk])
    data = {"series": series.pk, "year": 2022, "editor_notes": "", "file": pdf_upload(b"x" * 50)}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 200
    assert files_under(media_root) == before
    report.refresh_from_db()
    assert report.page_count == 3


def test_a_rolled_back_replacement_keeps_the_old_files(series, media_root):
    report = upload_report(series)
    old_files = [report.file.name, *cover_files(report)]
    with pytest.raises(RuntimeError), transaction.atomic():
        report.file = pdf_upload(pdf_bytes(pages=2))
        report.full_clean()
        report.save()
        raise RuntimeError("the request failed later on")
    assert all(default_storage.exists(name) for name in old_files)
    report = AnnualReport.objects.get(pk=report.pk)
    assert report.file.name == old_files[0]


def test_a_failing_save_removes_the_files_it_wrote(series, media_root):
    upload_report(series)
    before = files_under(media_root)
    duplicate = AnnualReport(series=series, year=2022, file=pdf_upload(pdf_bytes(pages=2)))
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - IntegrityError
        duplicate.save()  # the same series and year: the database refuses the row
    assert files_under(media_root) == before


def test_deleting_a_report_keeps_its_files_aside(
    series, media_root, django_capture_on_commit_callbacks
):
    report = upload_report(series)
    stored = files_under(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        report.delete()
    # For a restore from the history, at no address (test_kept_files).
    assert files_under(media_root) == sorted(f"aufbewahrt/{name}" for name in stored)


def test_bulk_deletion_keeps_the_files_aside_too(
    admin_client, series, media_root, django_capture_on_commit_callbacks
):
    reports = [upload_report(series, year=year) for year in (2019, 2020)]
    stored = files_under(media_root)
    selection = {"action": "delete_selected", "_selected_action": [r.pk for r in reports]}
    changelist = reverse("admin:reports_annualreport_changelist")
    assert admin_client.post(changelist, selection).status_code == 200  # the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(changelist, {**selection, "post": "yes"})
    assert response.status_code == 302
    assert AnnualReport.objects.count() == 0
    assert files_under(media_root) == sorted(f"aufbewahrt/{name}" for name in stored)


def test_a_file_another_row_still_names_is_not_deleted(
    series, media_root, django_capture_on_commit_callbacks
):
    report = upload_report(series)
    other_series = ReportSeries.objects.create(title="Andere Reihe", slug="andere")
    AnnualReport.objects.create(series=other_series, year=2022, file=report.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        report.delete()
    assert default_storage.exists(report.file.name)


# --- Files written without an upload: placeholders ------------------------------------


def test_process_report_file_reads_a_placeholder_and_draws_its_cover(
    series, media_root, django_capture_on_commit_callbacks
):
    name = default_storage.save(
        f"jahresberichte/{STEM}.pdf", ContentFile(render_placeholder_pdf("Test 2022"))
    )
    report = AnnualReport.objects.create(series=series, year=2022, file=name, is_placeholder=True)
    changed = AnnualReport.objects.get(pk=report.pk).updated_at
    with django_capture_on_commit_callbacks(execute=True):
        processing.process_report_file(report)
    report.refresh_from_db()
    assert report.page_count == 1
    assert report.file_size == default_storage.size(name)
    assert report.has_cover and default_storage.exists(report.cover_webp.name)
    assert report.updated_at == changed  # update(), not save()

    # Drawn again: the old covers go, the new ones stay.
    old_covers = cover_files(report)
    with django_capture_on_commit_callbacks(execute=True):
        processing.process_report_file(report)
    report.refresh_from_db()
    assert sorted(files_under(media_root)) == sorted([name, *cover_files(report)])
    assert not any(default_storage.exists(cover) for cover in old_covers)


def test_load_archive_gives_placeholders_covers(archive, media_root):
    from django.core.management import call_command

    call_command("load_archive", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    placeholders = AnnualReport.objects.filter(is_placeholder=True)
    assert placeholders.exists()
    for report in placeholders:
        assert report.page_count == 1
        assert report.has_cover, report
        assert default_storage.exists(report.cover_webp.name)


def test_admin_action_reads_files_again(admin_client, series, media_root):
    name = default_storage.save(f"jahresberichte/{STEM}.pdf", ContentFile(pdf_bytes(pages=4)))
    report = AnnualReport.objects.create(series=series, year=2022, file=name)
    response = admin_client.post(
        reverse("admin:reports_annualreport_changelist"),
        {"action": "process_files", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "1 Bericht neu gelesen" in response.content.decode()
    report.refresh_from_db()
    assert report.page_count == 4 and report.has_cover


def test_admin_action_names_a_missing_file(admin_client, series):
    report = AnnualReport.objects.create(series=series, year=2022, file="jahresberichte/weg.pdf")
    response = admin_client.post(
        reverse("admin:reports_annualreport_changelist"),
        {"action": "process_files", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "Die Datei fehlt" in response.content.decode()


def test_admin_change_page_shows_the_cover_and_links_the_download(admin_client, series):
    report = upload_report(series)
    html = admin_client.get(reverse("admin:reports_annualreport_change", args=[report.pk]))
    html = html.content.decode()
    assert report.cover_fallback.url in html
    assert 'width="150" height="212"' in html
    assert f'href="{report.get_download_url()}"' in html
    assert 'accept="application/pdf,.pdf"' in html


# --- On the site ----------------------------------------------------------------------


def test_report_list_and_project_page_show_cover_and_metadata(client, archive, series):
    from projects.models import Project

    report = upload_report(series, pdf_bytes(pages=48), published=True)
    project = Project.objects.filter(published=True).first()
    report.projects.add(project)
    picture = (
        f'<picture class="report-cover"><source srcset="{report.cover_webp.url}" '
        f'type="image/webp"><img src="{report.cover_fallback.url}" width="150" height="212" '
        'alt="" loading="lazy" decoding="async"></picture>'
    )
    for url in (reverse("reports:list"), project.get_absolute_url()):
        html = client.get(url).content.decode()
        assert picture in html, url
        assert "(PDF, 48 Seiten, " in html
    # The cover itself is served to visitors.
    response = client.get(report.cover_webp.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_a_report_without_cover_shows_the_text_link_only(client, series):
    AnnualReport.objects.create(
        series=series,
        year=2021,
        file="jahresberichte/x.pdf",
        page_count=1,
        file_size=2048,
        published=True,
    )
    html = client.get(reverse("reports:list")).content.decode()
    assert "Jahresbericht Hamburger Cluster 2021" in html
    assert "(PDF, 1 Seite, 2,0\xa0KB)" in html
    assert "<picture" not in html


def test_render_pictures_draws_missing_covers_and_reports_broken_files(series, media_root, capsys):
    from django.core.management import call_command

    name = default_storage.save(f"jahresberichte/{STEM}.pdf", ContentFile(pdf_bytes(pages=2)))
    without_cover = AnnualReport.objects.create(series=series, year=2022, file=name)
    AnnualReport.objects.create(series=series, year=2021, file="jahresberichte/fehlt.pdf")
    call_command("render_pictures", "--missing")
    without_cover.refresh_from_db()
    assert without_cover.has_cover and without_cover.page_count == 2
    captured = capsys.readouterr()
    assert "Neu gezeichnet: 1." in captured.out
    assert "Jahresbericht Hamburger Cluster 2021: Datei nicht lesbar" in captured.err

    covers = cover_files(without_cover)
    call_command("render_pictures", "--missing")  # nothing missing any more
    without_cover.refresh_from_db()
    assert cover_files(without_cover) == covers


def test_process_report_file_refuses_a_stored_file_that_is_no_pdf(series, media_root):
    name = default_storage.save("jahresberichte/kaputt.pdf", ContentFile(b"<html></html>" * 20))
    report = AnnualReport.objects.create(series=series, year=2022, file=name)
    with pytest.raises(ValidationError):
        processing.process_report_file(report)
    report.refresh_from_db()
    assert not report.has_cover
    assert files_under(media_root) == [name]


def test_uploading_the_real_report_ends_the_placeholder(admin_client, series, media_root):
    report = AnnualReport.objects.create(
        series=series, year=2022, file="jahresberichte/platzhalter.pdf", is_placeholder=True
    )
    url = reverse("admin:reports_annualreport_change", args=[report.pk])
    data = {
        "series": series.pk,
        "year": 2022,
        "editor_notes": "",
        "published": "on",
        "is_placeholder": "on",
        "file": pdf_upload(pdf_bytes(pages=4)),
    }
    assert admin_client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert not report.is_placeholder
    assert report.page_count == 4
