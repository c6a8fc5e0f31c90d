"""The page cache while the database is away: the last good copy of every page served,
the 503 page for the others, and hits that need no database at all.

"The database is away" is simulated with Django's own hook for every query,
``connection.execute_wrapper``: each query raises the OperationalError a stopped server
gives. tests/clusterspace/test_outages.py has a real PostgreSQL cancel a statement.
"""

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pagecache.models import VERSION_KEY
from projects.models import Project

pytestmark = pytest.mark.django_db


def database_away(execute, sql, params, many, context):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


@pytest.fixture
def p04(archive):
    return Project.objects.get(code="P04")


@pytest.fixture
def version_in_cache(settings, page_cache):
    """The content version kept in the cache, as with a shared cache (Redis)."""
    settings.PAGE_CACHE_VERSION_SECONDS = 60


def test_a_hit_needs_no_database_while_the_version_is_in_the_cache(
    client, version_in_cache, p04, django_assert_num_queries
):
    first = client.get(p04.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(p04.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Cache-Status"] == "clusterspace; hit"
    assert first["Cache-Status"] == "clusterspace; fwd=miss; stored"


def test_a_save_shows_at_the_next_request_with_the_version_in_the_cache(
    client, version_in_cache, p04, django_capture_on_commit_callbacks
):
    url = reverse("projects:index")
    client.get(url)
    assert caches["default"].get(VERSION_KEY) is not None
    with django_capture_on_commit_callbacks(execute=True):
        p04.title_de = "Ein Titel nach dem Speichern"
        p04.save()
    assert caches["default"].get(VERSION_KEY) is None  # forgotten once the save committed
    assert "Ein Titel nach dem Speichern" in client.get(url).content.decode()


def test_the_version_is_not_forgotten_before_the_save_commits(
    client, version_in_cache, p04, django_capture_on_commit_callbacks
):
    client.get(reverse("projects:index"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        p04.title_de = "Noch nicht gespeichert"
        p04.save()
        # Until the commit, other workers must keep reading the old version.
        assert caches["default"].get(VERSION_KEY) is not None
    assert callbacks


def test_a_local_memory_cache_asks_the_database_every_time(
    client, page_cache, p04, django_assert_num_queries, settings
):
    """With each worker's own cache, a save in another worker shows on the next request
    only if the version comes from the database."""
    assert settings.PAGE_CACHE_VERSION_SECONDS == 0
    client.get(p04.get_absolute_url())
    with django_assert_num_queries(1):
        assert client.get(p04.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("seconds", [0, 60], ids=["version from the database", "from the cache"])
def test_pages_served_before_come_as_they_were_while_the_database_is_away(
    client, page_cache, p04, settings, seconds, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_VERSION_SECONDS = seconds
    with translation.override("en"):
        english = p04.get_absolute_url()
    urls = [p04.get_absolute_url(), reverse("projects:index"), english]
    served = {url: client.get(url, HTTP_ACCEPT_ENCODING="gzip") for url in urls}
    # A change the page cache has not rendered yet: every page needs the database again.
    p04.title_de = "Geändert, aber noch nicht gezeigt"
    with django_capture_on_commit_callbacks(execute=True):  # the versions kept are forgotten
        p04.save()

    with connection.execute_wrapper(database_away):
        for url, before in served.items():
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200, url
            assert response.content == before.content
            assert response["Content-Encoding"] == "gzip"
            assert response["ETag"] == before["ETag"]
            assert response["Cache-Status"] == "clusterspace; hit; detail=stale"
            assert response["Content-Language"] == before["Content-Language"]
            # A browser that has the copy keeps it.
            again = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
            assert again.status_code == 304
            assert again["Cache-Status"] == "clusterspace; hit; detail=stale"


def test_a_view_that_fails_midway_falls_back_to_the_last_good_copy(client, page_cache, p04):
    """The version was read, the page must be rendered anew, and the database goes."""
    url = p04.get_absolute_url()
    before = client.get(url)
    p04.title_de = "Ein Titel nach der Störung"
    p04.save()

    def away_after_the_version(execute, sql, params, many, context):
        if "contentversion" in sql.lower():
            return execute(sql, params, many, context)
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(away_after_the_version):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content == before.content
    assert response["Cache-Status"] == "clusterspace; hit; detail=stale"
    # The database back: the page rendered anew, the copy not taken for the new version.
    after = client.get(url)
    assert after["Cache-Status"] == "clusterspace; fwd=miss; stored"
    assert "Ein Titel nach der Störung" in after.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [
        ("de", "Das Archiv ist gerade nicht erreichbar", "Zur Übersicht der Projekte"),
        ("en", "The archive is unavailable at the moment", "To the list of projects"),
    ],
)
def test_a_page_never_served_gets_the_503_page_in_its_language(
    page_cache, archive, language, heading, link
):
    client = Client(raise_request_exception=False)
    with translation.override(language):
        url = reverse("people:index")
    with connection.execute_wrapper(database_away):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == language
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert page.count("<h1>") == 1 and f"<h1>{heading}</h1>" in page
    assert f'<a href="/{language}/">{link}</a>' in page
    assert "OperationalError" not in page and "5432" not in page
    # The site's security headers, as on every page.
    assert "Content-Security-Policy" in response and "X-Frame-Options" in response


def test_the_cache_down_as_well_gets_the_503_page(page_cache, p04, monkeypatch):
    client = Client(raise_request_exception=False)
    client.get(p04.get_absolute_url())

    def down(*args, **kwargs):
        raise ConnectionError("the shared cache is down")

    monkeypatch.setattr(caches["default"], "get", down)
    with connection.execute_wrapper(database_away):
        response = client.get(p04.get_absolute_url())
    assert response.status_code == 503
    assert "Das Archiv ist gerade nicht erreichbar" in response.content.decode()


def test_a_copy_is_kept_for_the_configured_days(client, page_cache, p04, settings, monkeypatch):
    settings.PAGE_CACHE_STALE_DAYS = 9
    stored = []
    real_set = caches["default"].set

    def set_(key, value, timeout=None, **kwargs):
        stored.append((key, timeout))
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(caches["default"], "set", set_)
    client.get(p04.get_absolute_url())
    assert [timeout for key, timeout in stored if key.startswith("page:")] == [9 * 24 * 60 * 60]


def test_one_copy_per_page_whatever_the_version(client, page_cache, p04, monkeypatch):
    """A new version replaces the page's entry instead of adding one beside it."""
    keys = []
    real_set = caches["default"].set

    def set_(key, *args, **kwargs):
        keys.append(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(caches["default"], "set", set_)
    url = p04.get_absolute_url()
    client.get(url)
    for title in ("Erster", "Zweiter"):
        p04.title_de = title
        p04.save()
        assert title in client.get(url).content.decode()
    page_keys = [key for key in keys if key.startswith("page:")]
    assert len(page_keys) == 3 and len(set(page_keys)) == 1
