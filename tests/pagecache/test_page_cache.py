"""The page cache: conditional GET, rendered pages per language, any change seen at once."""

import gzip
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from pagecache.middleware import PageCacheMiddleware, read_content_version
from projects.models import Organisation, Project

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def p04(archive):
    return Project.objects.get(code="P04")


@pytest.mark.parametrize(
    ("page", "versions"),
    [("project", "entryversion"), ("list", "contentversion")],
    ids=["an entry's page: its entries' versions", "a list: the content version"],
)
def test_a_page_comes_from_the_cache_with_one_query(client, page_cache, p04, page, versions):
    url = p04.get_absolute_url() if page == "project" else reverse("projects:index")
    first = client.get(url)
    assert first.status_code == 200
    with pytest.MonkeyPatch.context() as patch:
        # A hit renders nothing: no template, no view.
        patch.setattr("django.template.base.Template.render", None)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert versions in queries[0]["sql"].lower()
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert second["Content-Language"] == "de"
    assert second["Cache-Control"] == "no-cache"
    assert int(second["Content-Length"]) == len(second.content)


def test_if_none_match_is_answered_with_304_before_rendering(
    client, page_cache, p04, django_assert_num_queries
):
    # A list's ETag comes from the content version: not even the cache is needed.
    url = reverse("projects:index")
    caches["default"].clear()
    etag = client.get(url)["ETag"]
    caches["default"].clear()
    with django_assert_num_queries(1):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    other = client.get(url, HTTP_IF_NONE_MATCH='W/"something-else"')
    assert other.status_code == 200
    # An entry's page names its entries in the cache.
    etag = client.get(p04.get_absolute_url())["ETag"]
    with django_assert_num_queries(1):
        response = client.get(p04.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_if_modified_since_is_answered_with_304(client, page_cache, p04):
    last_modified = client.get(p04.get_absolute_url())["Last-Modified"]
    response = client.get(p04.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_a_change_shows_on_the_next_request(client, page_cache, p04):
    url = reverse("projects:index")
    before = client.get(url)
    p04.title_de = "Ein ganz neuer Titel"
    p04.save()
    after = client.get(url)
    assert "Ein ganz neuer Titel" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda project: project.partners.add(Organisation.objects.first()),
        lambda project: project.partners.clear(),
        lambda project: project.fundings.last().delete(),
        lambda project: project.roles.first().person.save(),
        lambda project: project.reports.first().series.save(),
    ],
    ids=["m2m-add", "m2m-clear", "delete", "person", "report-series"],
)
def test_every_kind_of_change_raises_the_version(p04, change):
    before = read_content_version()
    change(p04)
    after = read_content_version()
    assert after[0] > before[0]
    assert after[1] >= before[1]


def test_a_change_to_something_else_leaves_the_version(admin_user):
    before = read_content_version()
    admin_user.first_name = "Neu"
    admin_user.save()
    assert read_content_version() == before


def test_languages_are_cached_apart(client, page_cache, p04):
    with translation.override("de"):
        german_url = p04.get_absolute_url()
    with translation.override("en"):
        english_url = p04.get_absolute_url()
    for _ in range(2):
        german = client.get(german_url)
        english = client.get(english_url)
        assert german.status_code == english.status_code == 200
        assert german["Content-Language"] == "de"
        assert english["Content-Language"] == "en"
        assert '<html lang="de"' in german.content.decode()
        assert '<html lang="en"' in english.content.decode()
        assert german["ETag"] != english["ETag"]


def test_compressed_variants(client, page_cache, p04):
    plain = client.get(p04.get_absolute_url())
    zipped = client.get(p04.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert "Accept-Encoding" in zipped["Vary"]
    brotli = pytest.importorskip("brotli")
    squeezed = client.get(p04.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")
    assert squeezed["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.content) == plain.content
    assert len(squeezed.content) < len(zipped.content) < len(plain.content) / 2
    refused = client.get(p04.get_absolute_url(), HTTP_ACCEPT_ENCODING="br;q=0, gzip;q=0")
    assert "Content-Encoding" not in refused


def test_editors_neither_get_nor_fill_the_cache(client, admin_client, page_cache, p04):
    p04.published = False
    p04.save()
    url = reverse("projects:index")
    anonymous = client.get(url).content.decode()
    assert p04.title not in anonymous
    editor = admin_client.get(url)
    assert p04.title in editor.content.decode()
    assert "ETag" not in editor
    assert admin_client.get(p04.get_absolute_url()).status_code == 200
    assert client.get(p04.get_absolute_url()).status_code == 404
    assert p04.title not in client.get(url).content.decode()


def test_query_strings_are_normalised(client, page_cache, archive, django_assert_num_queries):
    url = reverse("projects:index")
    etag = client.get(url + "?b=2&a=1")["ETag"]
    with django_assert_num_queries(1):
        same = client.get(url + "?a=1&b=2")
    assert same["ETag"] == etag
    assert client.get(url)["ETag"] != etag
    assert client.get(url + "?a=1&b=2&utm_source=newsletter")["ETag"] != etag


@pytest.mark.parametrize(
    "path",
    ["/de/admin/login/", "/de/gibt-es-nicht/", "/healthz"],
)
def test_other_answers_are_not_cached(client, page_cache, archive, path):
    response = client.get(path)
    assert "ETag" not in response or response["ETag"].startswith('"')
    assert client.get(path).status_code == response.status_code


def test_head_is_answered_from_the_cache(client, page_cache, p04):
    client.get(p04.get_absolute_url())
    response = client.head(p04.get_absolute_url())
    assert response.status_code == 200
    assert response.content == b""
    assert "ETag" in response


def _storable(settings, response, **meta):
    settings.PAGE_CACHE = True
    request = RequestFactory().get("/de/", **meta)
    middleware = PageCacheMiddleware(lambda request: response)
    return middleware.storable(request, response)


def test_responses_with_cookies_tokens_or_private_data_are_not_stored(settings):
    assert _storable(settings, HttpResponse("<p>ok</p>"))
    with_cookie = HttpResponse("<p>ok</p>")
    with_cookie.set_cookie("csrftoken", "x")
    assert not _storable(settings, with_cookie)
    assert not _storable(settings, HttpResponse("<p>ok</p>"), CSRF_COOKIE_NEEDS_UPDATE=True)
    private = HttpResponse("<p>ok</p>", headers={"Cache-Control": "private"})
    assert not _storable(settings, private)
    varying = HttpResponse("<p>ok</p>", headers={"Vary": "Accept-Language"})
    assert not _storable(settings, varying)
    assert not _storable(settings, HttpResponse(b"{}", content_type="application/json"))
    assert not _storable(settings, HttpResponse("<p>gone</p>", status=404))
    for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
        with_nonce = HttpResponse("<p>ok</p>", headers={header: "script-src 'nonce-abc123'"})
        assert not _storable(settings, with_nonce)


def test_requests_with_a_session_cookie_pass_by(client, page_cache, p04, settings):
    client.get(p04.get_absolute_url())
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    response = client.get(p04.get_absolute_url())
    assert response.status_code == 200
    assert "ETag" not in response


# -- Several processes ---------------------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, ""


@pytest.fixture(params=["local-memory", "redis"])
def cache_url(request, tmp_path):
    """ "" for the default cache (one per process), or a redis:// URL of a Redis server
    started for the test (skipped without redis-server or the redis package).
    """
    if request.param == "local-memory":
        yield ""
        return
    server = shutil.which("redis-server")
    if server is None or importlib.util.find_spec("redis") is None:
        # CI installs both (.ci/run); there a missing one is a failure, not a skip.
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs redis-server and the redis package for this test")
        pytest.skip("needs redis-server and the redis package")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.django_db(False)
def test_a_change_in_one_process_is_seen_by_every_worker_of_another(tmp_path, cache_url):
    """gunicorn with two workers, with the default cache (local memory, one per process)
    and with a shared one (Redis): a change saved by another process shows on the very
    next request to either worker.

    DEBUG is on only to spare the test collectstatic; the page cache is switched on.
    """
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_URL", "AWS_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "clusterspace.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_PAGE_CACHE": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_LOG_LEVEL": "warning",
            "PYTHONWARNINGS": "ignore",
        }
    )
    if cache_url:
        env["CACHE_URL"] = cache_url

    def django(code):
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    django(
        "from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); call_command('loaddata', 'archive', verbosity=0)"
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/de/projekte/cross-cluster-space-hamburg/"

    def fetch_many():
        # Concurrent requests, so that both workers answer some of them.
        with ThreadPoolExecutor(max_workers=6) as pool:
            return list(pool.map(lambda _n: _fetch(url), range(12)))

    try:
        deadline = time.monotonic() + 60
        while _fetch_or_none(f"{base}/healthz") != 200:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        before = fetch_many()
        assert {status for status, _headers, _body in before} == {200}
        assert all("Ein neuer Titel" not in body for _s, _h, body in before)
        old_etag = before[-1][1]["ETag"]
        assert _fetch(url, {"If-None-Match": old_etag})[0] == 304
        if cache_url:  # the workers share their pages through Redis
            import redis

            assert redis.Redis.from_url(cache_url).keys("*page:*")

        django(
            "from projects.models import Project; "
            "p = Project.objects.get(slug='cross-cluster-space-hamburg'); "
            "p.title_de = 'Ein neuer Titel'; p.save()"
        )

        after = fetch_many()
        assert all("Ein neuer Titel" in body for _s, _h, body in after)
        status, headers, _body = _fetch(url, {"If-None-Match": old_etag})
        assert status == 200
        assert _fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _fetch_or_none(url):
    try:
        return _fetch(url)[0]
    except OSError:
        return None


def test_a_cached_page_keeps_the_security_headers(client, page_cache, p04):
    first = client.get(p04.get_absolute_url())
    second = client.get(p04.get_absolute_url())
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Frame-Options",
        "Content-Language",
    ):
        assert header in first, header
        assert second[header] == first[header], header


def test_a_cache_that_fails_costs_only_a_render(client, page_cache, p04, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("the shared cache is down")

    monkeypatch.setattr(caches["default"], "get", down)
    monkeypatch.setattr(caches["default"], "set", down)
    response = client.get(p04.get_absolute_url())
    assert response.status_code == 200
    assert p04.title in response.content.decode()


def test_an_unpublished_project_leaves_every_cached_page_at_once(client, page_cache, p04):
    url = p04.get_absolute_url()
    overview = reverse("projects:index")
    assert client.get(url).status_code == 200
    assert p04.title in client.get(overview).content.decode()
    p04.published = False
    p04.save()
    assert client.get(url).status_code == 404
    assert p04.title not in client.get(overview).content.decode()
