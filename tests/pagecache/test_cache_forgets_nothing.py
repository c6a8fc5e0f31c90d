"""Changes made without model signals renew the cached pages too.

``QuerySet.update()`` sends no ``post_save``: drawing pictures again (``render_pictures``,
the reports' admin action "read files again") writes new renditions, deletes the old
ones and saves the names with ``update()``. A cached page that still linked the deleted
files would show broken pictures until the next edit; each path must raise the content
version (``core.signals.content_changed``).
"""

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from pagecache.middleware import read_content_version
from people.models import Person
from reports.models import AnnualReport

from tests.media_builders import image_bytes, pdf_bytes, upload
from tests.reports.test_reports_files import upload_report

pytestmark = pytest.mark.django_db


def cached_page(client, url):
    """The page's HTML, after making sure the second request came from the cache."""
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and "ETag" in second
    return second.content.decode()


@pytest.fixture
def report(series):
    return upload_report(series, pdf_bytes(pages=2), published=True)


def _cover_urls(report):
    report.refresh_from_db()
    return [report.cover_webp.url, report.cover_fallback.url]


def _assert_page_follows(client, url, old_urls, new_urls, old_names):
    html = client.get(url).content.decode()
    assert not any(default_storage.exists(name) for name in old_names)  # really deleted
    for old in old_urls:
        assert old not in html
    for new in new_urls:
        assert new in html


def test_render_pictures_renews_pages_with_report_covers(
    client, page_cache, report, django_capture_on_commit_callbacks
):
    url = reverse("reports:list")
    old_urls, old_names = _cover_urls(report), [report.cover_webp.name, report.cover_fallback.name]
    html = cached_page(client, url)
    assert all(old in html for old in old_urls)
    version = read_content_version()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("render_pictures", stdout=None)

    assert read_content_version() != version
    new_urls = _cover_urls(report)
    assert new_urls != old_urls
    _assert_page_follows(client, url, old_urls, new_urls, old_names)


def test_reading_report_files_again_in_the_admin_renews_pages(
    client, admin_client, page_cache, report, django_capture_on_commit_callbacks
):
    url = reverse("reports:list")
    old_urls, old_names = _cover_urls(report), [report.cover_webp.name, report.cover_fallback.name]
    cached_page(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:reports_annualreport_changelist"),
            {"action": "process_files", "_selected_action": [report.pk]},
            follow=True,
        )
    assert "1 Bericht neu gelesen" in response.content.decode()

    _assert_page_follows(client, url, old_urls, _cover_urls(report), old_names)


def test_render_pictures_renews_pages_with_photos(
    client, page_cache, archive, django_capture_on_commit_callbacks
):
    person = Person.objects.public().get(slug="anna-vogel")
    person.photo = upload("a.jpg", image_bytes("JPEG", size=(640, 800)))
    person.save()
    url = person.get_absolute_url()
    old_names = [person.photo_webp.name, person.photo_fallback.name]
    old_urls = [person.photo_webp.url, person.photo_fallback.url]
    html = cached_page(client, url)
    assert all(old in html for old in old_urls)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("render_pictures", stdout=None)

    person.refresh_from_db()
    new_urls = [person.photo_webp.url, person.photo_fallback.url]
    assert new_urls != old_urls
    _assert_page_follows(client, url, old_urls, new_urls, old_names)


def test_saves_outside_the_content_keep_the_version(page_cache, db):
    """A login or an account's change renders no page anew; content_changed, which code
    sends after a change without model signals, always does."""
    from django.contrib.auth.models import User

    from core.signals import content_changed

    before = read_content_version()
    User.objects.create_user("someone")
    assert read_content_version() == before
    content_changed.send(sender=AnnualReport)
    assert read_content_version() != before
