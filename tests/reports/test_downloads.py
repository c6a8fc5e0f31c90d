"""The report download: 200, 206, 304, 404, 416 and the hand-over to nginx."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import translation
from django.utils.http import http_date

from core.responses import UNSATISFIABLE, parse_range
from reports.models import AnnualReport

from tests.media_builders import drawn_pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

FILENAME = "jahresbericht-hamburger-cluster-2022.pdf"
PDF = drawn_pdf_bytes(3)


@pytest.fixture
def report(series):
    report = AnnualReport(series=series, year=2022, file=pdf_upload(PDF), published=True)
    report.full_clean()
    report.save()
    return report


@pytest.fixture
def url(report):
    return report.get_download_url()


def body(response):
    try:
        return b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        # close() sends request_finished, whose close_old_connections would close the
        # test's database connection inside its transaction (PostgreSQL notices, SQLite not).
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)


# --- 200 --------------------------------------------------------------------------------


def test_the_whole_file_with_its_headers(client, report, url):
    assert url == "/de/jahresberichte/hamburger-cluster-2022.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{report.file_sha256[:32]}"'
    modified = default_storage.get_modified_time(report.file.name).timestamp()
    assert response["Last-Modified"] == http_date(int(modified))
    assert response["Content-Disposition"] == f'inline; filename="{FILENAME}"'
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    # The pages' policy would break Chrome's PDF viewer; HTML error pages keep it.
    assert "Content-Security-Policy" not in response
    assert body(response) == PDF


def test_each_language_has_its_own_stable_address(client, report):
    with translation.override("en"):
        english = report.get_download_url()
    assert english.startswith("/en/") and english != report.get_download_url()
    response = client.get(english)
    assert response.status_code == 200
    assert FILENAME in response["Content-Disposition"]
    assert body(response) == PDF


def test_head_sends_the_headers_without_the_file(client, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(PDF))
    assert response.content == b""


def test_other_methods_are_not_allowed(client, url):
    assert client.post(url).status_code == 405


def test_a_file_changed_outside_the_admin_gets_a_new_etag(client, report, url):
    first = client.get(url)
    body(first)
    AnnualReport.objects.filter(pk=report.pk).update(file_size=1)  # out of step
    second = client.get(url)
    body(second)
    assert second["ETag"] != first["ETag"]


# --- 304 --------------------------------------------------------------------------------


def test_if_none_match_answers_304(client, url):
    first = client.get(url)
    body(first)
    response = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert response["Last-Modified"] == first["Last-Modified"]


def test_if_modified_since_answers_304(client, url):
    first = client.get(url)
    body(first)
    response = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert response.status_code == 304


def test_an_outdated_etag_gets_the_file(client, url):
    response = client.get(url, headers={"If-None-Match": '"veraltet"'})
    assert response.status_code == 200
    assert body(response) == PDF


def test_if_match_failing_answers_412(client, url):
    assert client.get(url, headers={"If-Match": '"anders"'}).status_code == 412


# --- 206 and 416 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, len(PDF) - 1),
        ("bytes=-50", len(PDF) - 50, len(PDF) - 1),
        (f"bytes=10-{len(PDF) + 500}", 10, len(PDF) - 1),
        ("bytes = 5-5", 5, 5),
    ],
)
def test_a_byte_range_answers_206(client, url, header, first, last):
    response = client.get(url, headers={"Range": header})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(PDF)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "application/pdf"
    assert body(response) == PDF[first : last + 1]


def test_head_with_a_range(client, url):
    response = client.head(url, headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


@pytest.mark.parametrize(
    "header", [f"bytes={len(PDF)}-", f"bytes={len(PDF) + 10}-20000000", "bytes=-0"]
)
def test_a_range_outside_the_file_answers_416(client, url, header):
    response = client.get(url, headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PDF)}"


@pytest.mark.parametrize(
    "header", ["bytes=0-9,20-29", "items=0-9", "bytes=abc", "bytes=9-0", "bytes=-", "bytes 0-9"]
)
def test_several_or_malformed_ranges_get_the_whole_file(client, url, header):
    response = client.get(url, headers={"Range": header})
    assert response.status_code == 200
    assert body(response) == PDF


def test_if_range_with_the_current_etag_gets_the_range(client, url):
    first = client.get(url)
    body(first)
    response = client.get(url, headers={"Range": "bytes=0-9", "If-Range": first["ETag"]})
    assert response.status_code == 206
    assert body(response) == PDF[:10]


def test_if_range_with_the_current_date_gets_the_range(client, url):
    first = client.get(url)
    body(first)
    headers = {"Range": "bytes=0-9", "If-Range": first["Last-Modified"]}
    assert client.get(url, headers=headers).status_code == 206


@pytest.mark.parametrize("if_range", ['"alt"', 'W/"schwach"', "Mon, 01 Jan 2001 00:00:00 GMT"])
def test_if_range_with_an_old_version_gets_the_whole_file(client, url, if_range):
    response = client.get(url, headers={"Range": "bytes=0-9", "If-Range": if_range})
    assert response.status_code == 200
    assert body(response) == PDF


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-0", (0, 0)),
        ("BYTES=3-", (3, 999)),
        ("bytes=-1", (999, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-2000", (990, 999)),
        ("bytes=1000-", UNSATISFIABLE),
        ("bytes=-0", UNSATISFIABLE),
        ("bytes=5-1", None),
        ("bytes=1-2,4-5", None),
        ("bytes=x-1", None),
        ("bytes=1", None),
        ("pages=1-2", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 1000) == expected


def test_the_download_is_named_after_the_report_whatever_the_stored_name(client, report, url):
    stored = default_storage.save("jahresberichte/upload-x7.pdf", ContentFile(PDF))
    AnnualReport.objects.filter(pk=report.pk).update(file=stored)
    response = client.get(url)
    assert response["Content-Disposition"] == f'inline; filename="{FILENAME}"'
    assert body(response) == PDF


# --- 404 --------------------------------------------------------------------------------


def test_an_unpublished_report_is_a_404_for_visitors(client, report, url):
    AnnualReport.objects.filter(pk=report.pk).update(published=False)
    response = client.get(url)
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert "Content-Security-Policy" in response


def test_editors_can_fetch_an_unpublished_report_privately(admin_client, report, url):
    AnnualReport.objects.filter(pk=report.pk).update(published=False)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    body(response)


def test_a_missing_file_is_a_404_not_a_500(client, report, url):
    default_storage.delete(report.file.name)
    response = client.get(url)
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_a_report_without_a_file_name_is_a_404(client, report, url):
    AnnualReport.objects.filter(pk=report.pk).update(file="")
    assert client.get(url).status_code == 404


def test_a_name_outside_the_media_folder_is_a_404(client, report, url):
    AnnualReport.objects.filter(pk=report.pk).update(file="../../etc/passwd")
    assert client.get(url).status_code == 404


def test_the_address_names_its_type_in_both_languages(report):
    for language in ("de", "en"):
        with translation.override(language):
            assert report.get_download_url().endswith("/hamburger-cluster-2022.pdf")


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_old_address_redirects_permanently(client, report, language):
    with translation.override(language):
        new = report.get_download_url()
    old = new.replace("hamburger-cluster-2022.pdf", "hamburger-cluster/2022/pdf/")
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert body(client.get(response["Location"])) == PDF


def test_unknown_series_or_year_is_a_404(client, report):
    assert client.get("/de/jahresberichte/unbekannt-2022.pdf").status_code == 404
    assert client.get("/de/jahresberichte/hamburger-cluster-2011.pdf").status_code == 404


# --- X-Accel-Redirect -------------------------------------------------------------------


@pytest.fixture
def accel(settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"


def test_nginx_sends_the_file_when_configured(client, report, url, accel):
    response = client.get(url, headers={"Range": "bytes=0-9"})
    assert response.status_code == 200  # nginx answers the range itself
    assert response["X-Accel-Redirect"] == f"/protected-media/{report.file.name}"
    assert response["Content-Type"] == "application/pdf"
    assert FILENAME in response["Content-Disposition"]
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response.content == b""


def test_nginx_hand_over_still_checks_publication_and_file(client, report, url, accel):
    AnnualReport.objects.filter(pk=report.pk).update(published=False)
    assert client.get(url).status_code == 404
    AnnualReport.objects.filter(pk=report.pk).update(published=True)
    default_storage.delete(report.file.name)
    assert client.get(url).status_code == 404
