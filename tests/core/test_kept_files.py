"""Deleted is not gone: a deleted entry restored from the history is whole, files included."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from core.files import KEPT_FOLDER, kept_name
from people.models import Person
from reports.models import AnnualReport

from tests.admin_forms import change_form_data
from tests.media_builders import drawn_pdf_bytes, image_bytes, pdf_upload, upload

pytestmark = pytest.mark.django_db


def admin_save(admin_client, obj, **changes):
    """Save through the admin: a version the history can restore."""
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    data = change_form_data(admin_client.get(url), **changes)
    for field in ("file", "photo"):
        data.pop(field, None)  # the stored file stays, as when a browser sends none
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def admin_delete(admin_client, obj):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302


def admin_recover(admin_client, model, pk):
    version = Version.objects.get_deleted(model).get(object_id=str(pk))
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_recover", args=[version.pk])
    data = change_form_data(admin_client.get(url))
    for field in ("file", "photo"):
        data.pop(field, None)
    assert admin_client.post(url, data).status_code == 302


@pytest.fixture
def report(series, django_capture_on_commit_callbacks):
    data = drawn_pdf_bytes(3)
    with django_capture_on_commit_callbacks(execute=True):
        report = AnnualReport(series=series, year=2022, file=pdf_upload(data), published=True)
        report.full_clean()
        report.save()
    report.data = data
    return report


def test_a_deleted_report_comes_back_with_its_pdf(
    admin_client, client, report, django_capture_on_commit_callbacks
):
    admin_save(admin_client, report, editor_notes="Stand vor dem Löschen")
    names = [report.file.name, report.cover_webp.name, report.cover_fallback.name]
    download = report.get_download_url()

    with django_capture_on_commit_callbacks(execute=True):
        admin_delete(admin_client, report)
    assert client.get(download).status_code == 404
    # Kept aside, where no address reaches them.
    for name in names:
        assert not default_storage.exists(name)
        assert default_storage.exists(kept_name(name))
    cover = kept_name(report.cover_webp.name)
    assert client.get(f"/media/{cover}").status_code == 404
    assert admin_client.get(f"/media/{cover}").status_code == 404

    # A look at the deleted entry in the history leaves the files aside.
    version = Version.objects.get_deleted(AnnualReport).get(object_id=str(report.pk))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.get(reverse("admin:reports_annualreport_recover", args=[version.pk]))
    assert default_storage.exists(kept_name(report.file.name))

    with django_capture_on_commit_callbacks(execute=True):
        admin_recover(admin_client, AnnualReport, report.pk)
    restored = AnnualReport.objects.get(pk=report.pk)
    response = client.get(restored.get_download_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == report.data
    for name in names:
        assert default_storage.exists(name)
        assert not default_storage.exists(kept_name(name))


def test_a_deleted_person_comes_back_with_the_photo(
    admin_client, archive, django_capture_on_commit_callbacks
):
    person = Person.objects.get(family_name="Duschek")
    with django_capture_on_commit_callbacks(execute=True):
        person.photo = upload("portrait.jpg", image_bytes("JPEG", size=(400, 500)), "image/jpeg")
        person.full_clean()
        person.save()
    admin_save(admin_client, person, affiliation_de="HSU")
    photo = person.photo_webp.name
    with django_capture_on_commit_callbacks(execute=True):
        person.roles.all().delete()  # roles protect a person from deletion
        admin_delete(admin_client, person)
    assert not default_storage.exists(photo)
    with django_capture_on_commit_callbacks(execute=True):
        admin_recover(admin_client, Person, person.pk)
    assert default_storage.exists(photo)
    assert Person.objects.get(pk=person.pk).photo_webp.name == photo


def test_purge_removes_only_kept_files_no_version_names(
    admin_client, report, django_capture_on_commit_callbacks
):
    admin_save(admin_client, report, editor_notes="eine Version")
    with django_capture_on_commit_callbacks(execute=True):
        admin_delete(admin_client, report)
    kept = kept_name(report.file.name)

    out = io.StringIO()
    call_command("purge_kept_files", stdout=out)
    assert default_storage.exists(kept)  # its versions still name it
    assert "Entfernt: 0" in out.getvalue()

    Version.objects.get_deleted(AnnualReport).filter(object_id=str(report.pk)).delete()
    out = io.StringIO()
    call_command("purge_kept_files", "--dry-run", stdout=out)
    assert default_storage.exists(kept)
    assert f"würde entfernen: {report.file.name}" in out.getvalue()
    out = io.StringIO()
    call_command("purge_kept_files", stdout=out)
    assert not default_storage.exists(kept)
    assert f"entfernt: {report.file.name}" in out.getvalue()
    _folders, files = default_storage.listdir(f"{KEPT_FOLDER}/jahresberichte")
    assert files == []
