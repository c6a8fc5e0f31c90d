"""The static export (manage.py export_site), checked as a visitor of a static server sees it.

A fresh export of the archive is served by Python's static file server on loopback and
crawled from ``/``: no broken link, both languages, every page's title and heading as on
the live site, the report PDFs byte for byte, nothing unpublished anywhere.
"""

import functools
import html
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import translation

from people.models import Person, Role, RoleKind
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries
from siteexport import exporter as static_export
from siteexport.exporter import SEARCH_INDEX_PATH

from tests.factories import make_project
from tests.media_builders import pdf_upload
from tests.search.queries import PROMISES, trial_projects

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
SECRETS = ("zebrafink", "kolibri", "kiebitz")
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def real_archive(db):
    """The archive as ``make run`` loads it: content, statutory pages, placeholder PDFs."""
    call_command("load_archive", stdout=StringIO())


@pytest.fixture
def unpublished(real_archive):
    """An unpublished project (with its own person and funder), report and interview."""
    project = Project.objects.create(
        title="Zebrafink-Projekt",
        title_de="Zebrafink-Projekt",
        title_en="Zebrafinch project",
        slug="zebrafink-projekt",
        description_de="Über den Zebrafink.",
        start_year=2010,
        start_month=1,
        end_year=2011,
        end_month=6,
        published=False,
    )
    funder = Organisation.objects.create(name="Zebrafink-Stiftung", slug="zebrafink-stiftung")
    Funding.objects.create(
        project=project, organisation=funder, name_as_listed="Zebrafink-Stiftung"
    )
    person = Person.objects.create(
        given_name="Zora", family_name="Zebrafink", slug="zora-zebrafink"
    )
    Role.objects.create(project=project, kind=RoleKind.objects.get(slug="leitung"), person=person)
    series = ReportSeries.objects.create(title="Kolibri-Bericht", slug="kolibri-bericht")
    report = AnnualReport(series=series, year=2010, file=pdf_upload(), published=False)
    report.save()
    report.projects.add(Project.objects.get(code="P04"))
    Interview.objects.create(
        project=Project.objects.get(code="P04"),
        title="Kiebitz im Gespräch",
        interviewer=Person.objects.get(slug="stephan-duschek"),
        published=False,
    )
    return project


def export(folder, *args):
    out, err = StringIO(), StringIO()
    call_command("export_site", str(folder), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# -- a static server and a visitor's crawl ---------------------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def static_server(folder, handler_class=QuietHandler):
    """The folder served by Python's static file server on 127.0.0.1, a free port."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def get(url):
    """(status, content type, body) of a GET, redirects followed."""
    try:
        with NO_PROXY.open(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in ("href", "src", "action"):
                self.links.append(value)
            elif value and name == "srcset":
                self.links += [part.split()[0] for part in value.split(",") if part.strip()]


def links_in(content_type, body):
    text = body.decode("utf-8", "replace")
    if content_type == "text/html":
        parser = LinkParser()
        parser.feed(text)
        return parser.links
    if content_type.endswith("xml"):
        root = ET.fromstring(body)
        return [element.text for element in root.iter() if element.tag.endswith("}loc")] + [
            element.get("href") for element in root.iter() if element.get("href")
        ]
    if content_type == "text/css":
        return re.findall(r"""url\(\s*['"]?([^'")\s]+)""", text)
    if content_type == "text/plain":  # robots.txt names the sitemap
        return re.findall(r"^Sitemap:\s*(\S+)", text, re.MULTILINE)
    return []


def crawl(origin):
    """Every address reachable from ``/`` (and from robots.txt, as search engines go) on the
    static server: {path: (status, type, body)} and the pages that link to each."""
    seen, referrers, queue = {}, {}, ["/robots.txt", "/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen[path] = status, content_type, body = get(origin + path)
        if status != 200:
            continue
        for link in links_in(content_type, body):
            absolute = urljoin(origin + path, link)
            parts = urlsplit(absolute)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue
            referrers.setdefault(parts.path, set()).add(path)
            if parts.path not in seen:
                queue.append(parts.path)
    return seen, referrers


def text_of(pattern, page):
    match = re.search(pattern, page, re.DOTALL)
    assert match, pattern
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def live_body(client, url):
    response = client.get(url)
    try:
        if response.streaming:
            return response.status_code, b"".join(response.streaming_content)
        return response.status_code, response.content
    finally:
        request_finished.disconnect(close_old_connections)
        request_finished.connect(close_old_connections)


# -- the tests ------------------------------------------------------------------------------


def test_a_static_server_serves_the_whole_site_as_the_live_site_shows_it(
    client, unpublished, tmp_path
):
    output, errors = export(tmp_path / "site")
    assert "Seiten und" in output and "Nicht erreichbar" not in errors
    folder = tmp_path / "site"

    with static_server(folder) as origin:
        seen, referrers = crawl(origin)
        broken = {
            path: sorted(referrers.get(path, ()))
            for path, (status, *_) in seen.items()
            if status != 200
        }
        assert not broken
        missing_status = get(origin + "/de/gibt-es-nicht/")[0]

    pages = {path: body for path, (_s, kind, body) in seen.items() if kind == "text/html"}
    assert any(path.startswith("/de/projekte/") for path in pages)
    assert any(path.startswith("/en/projects/") for path in pages)
    assert missing_status == 404 and (folder / "404.html").is_file()
    # The statutory pages, lists, organisations, people, filters and reports of both languages.
    for expected in (
        "/de/",
        "/en/",
        "/de/impressum/",
        "/en/legal-notice/",
        "/de/personen/stephan-duschek/",
        "/en/organisations/efre/",
        "/de/projekte/status=laufend/",
        "/en/annual-reports/",
        "/de/suche/",
        "/en/search/",
        "/de/offene-daten/",
    ):
        assert expected in pages, expected
    for expected in ("/sitemap.xml", "/robots.txt", "/de/feed.xml", "/en/feed.xml"):
        assert seen[expected][0] == 200, expected
    assert seen["/de/feed.xml"][1] in ("application/xml", "text/xml")
    assert seen["/de/offene-daten/projektarchiv.json"][1] == "application/json"
    assert seen["/de/offene-daten/projekte.csv"][1] == "text/csv"

    # Every exported page has the live page's title and heading (the entry page at the
    # root is the export's own: it stands for the live site's redirect).
    for path, body in pages.items():
        if path == "/":
            continue
        page = body.decode()
        live_url = exporter_live_url(path)
        status, live = live_body(client, live_url)
        assert status == 200, live_url
        live = live.decode()
        assert text_of(r"<title>(.*?)</title>", page) == text_of(r"<title>(.*?)</title>", live)
        assert text_of(r"<h1[^>]*>(.*?)</h1>", page) == text_of(r"<h1[^>]*>(.*?)</h1>", live)
        assert page.count("<h1") == 1, path

    # Every published report's PDF, in both languages, byte for byte; the unpublished not.
    reports = AnnualReport.objects.published().select_related("series")
    assert reports.count() == 5
    for report in reports:
        for language in ("de", "en"):
            with translation.override(language):
                url = report.get_download_url()
            assert url.endswith(".pdf")
            assert seen[url][1] == "application/pdf"
            with report.file.open("rb") as file:
                assert seen[url][2] == file.read(), url


def exporter_live_url(export_path):
    """The live address of an exported page: its query segments ("page=2/") as a query."""
    segments = [segment for segment in export_path.split("/") if segment]
    query = [segment for segment in segments if "=" in segment]
    path = "/" + "".join(f"{segment}/" for segment in segments if "=" not in segment)
    return path + ("?" + "&".join(query) if query else "")


def test_nothing_unpublished_no_token_no_banner_no_live_host(unpublished, tmp_path):
    export(tmp_path / "site")
    files = [path for path in (tmp_path / "site").rglob("*") if path.is_file()]
    assert len(files) > 100
    for path in files:
        name = str(path.relative_to(tmp_path / "site")).lower()
        assert not any(secret in name for secret in SECRETS), name
        if path.suffix in (".pdf", ".jpg", ".webp", ".png"):
            continue
        text = path.read_text(encoding="utf-8").lower()
        for secret in SECRETS:
            assert secret not in text, (name, secret)
        assert "csrfmiddlewaretoken" not in text, name
        assert "nicht veröffentlicht" not in text, name
        assert "/admin/" not in text, name
        # No absolute address of the live host: paths from the root instead.
        assert "testserver" not in text and "export.invalid" not in text, name
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text()
    assert "<loc>/de/</loc>" in sitemap

    # The same export with the entries published names them: the test sees what it checks.
    Project.objects.filter(slug="zebrafink-projekt").update(published=True)
    AnnualReport.objects.filter(series__slug="kolibri-bericht").update(published=True)
    Interview.objects.filter(title="Kiebitz im Gespräch").update(published=True)
    export(tmp_path / "published")
    everything = " ".join(
        path.read_text(encoding="utf-8", errors="replace").lower()
        for path in (tmp_path / "published").rglob("*")
        if path.is_file() and path.suffix not in (".pdf", ".jpg", ".webp")
    )
    assert all(secret in everything for secret in SECRETS)


def test_base_url_names_the_live_host_in_sitemap_feeds_and_canonical_links(real_archive, tmp_path):
    export(tmp_path / "site", "--base-url", "https://archiv.example.org/")
    folder = tmp_path / "site"
    sitemap = (folder / "sitemap.xml").read_text()
    assert "<loc>https://archiv.example.org/de/</loc>" in sitemap
    feed = (folder / "en" / "feed.xml").read_text()
    assert 'href="https://archiv.example.org/en/projects/' in feed
    page = (folder / "de" / "index.html").read_text()
    assert '<link rel="canonical" href="https://archiv.example.org/de/">' in page
    # The site's own links stay paths: the export works on any host.
    assert 'href="/de/projekte/"' in page
    assert "Sitemap: https://archiv.example.org/sitemap.xml" in (folder / "robots.txt").read_text()


@pytest.mark.parametrize(
    "value", ["ftp://archiv.example.org", "archiv.example.org", "https://a.org/sub/"]
)
def test_a_base_url_other_than_scheme_and_host_is_refused(db, tmp_path, value):
    with pytest.raises(CommandError, match="--base-url"):
        export(tmp_path / "site", "--base-url", value)
    assert not (tmp_path / "site").exists()


def test_paginated_lists_are_exported_at_paths_of_their_own(real_archive, tmp_path):
    for n in range(60):
        make_project(n)
    export(tmp_path / "site")
    folder = tmp_path / "site"
    first = (folder / "de" / "projekte" / "index.html").read_text()
    assert 'href="/de/projekte/page=2/"' in first
    second = (folder / "de" / "projekte" / "page=2" / "index.html").read_text()
    assert "Seite 2 von" in second
    with static_server(folder) as origin:
        status, _kind, body = get(origin + "/de/projekte/page=2/")
    assert status == 200 and b"Seite 2 von" in body


def test_a_non_empty_folder_is_refused_unless_replace(real_archive, tmp_path):
    folder = tmp_path / "out" / "site"
    export(folder)
    (folder / "alt.txt").write_text("aus der letzten Ausgabe")
    with pytest.raises(CommandError, match="nicht leer"):
        export(folder)
    assert (folder / "alt.txt").is_file()
    export(folder, "--replace")
    assert not (folder / "alt.txt").exists()
    assert (folder / "de" / "index.html").is_file()
    assert [path.name for path in folder.parent.iterdir()] == ["site"]  # nothing left beside


def test_replace_never_deletes_a_folder_that_is_not_an_export(real_archive, tmp_path):
    folder = tmp_path / "out" / "notes"
    folder.mkdir(parents=True)
    (folder / "notiz.txt").write_text("bleibt")
    with pytest.raises(CommandError, match="keine frühere Ausgabe"):
        export(folder, "--replace")
    assert [path.name for path in folder.iterdir()] == ["notiz.txt"]
    assert [path.name for path in folder.parent.iterdir()] == ["notes"]


def test_a_failed_export_leaves_the_good_one_in_place(real_archive, tmp_path, monkeypatch):
    folder = tmp_path / "out" / "site"
    export(folder)
    before = sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))

    def broken():
        raise RuntimeError("forced failure")

    # The search index is written last: every page of the new export is on disk by then.
    monkeypatch.setattr(static_export, "build_index", broken)
    with pytest.raises(RuntimeError, match="forced failure"):
        export(folder, "--replace", "--warc", "--base-url", "https://archiv.example.org")
    assert sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) == before
    # No half-written folder or WARC file beside it.
    assert [path.name for path in folder.parent.iterdir()] == ["site"]


def test_the_exported_search_page_works_without_a_server_and_says_what_it_needs(
    client, real_archive, tmp_path
):
    export(tmp_path / "site")
    page = (tmp_path / "site" / "de" / "suche" / "index.html").read_text()
    assert '<script src="/static/search/offline.js" defer></script>' in page
    assert '<script src="/static/search/vendor/minisearch-7.2.0.js" defer></script>' in page
    assert f'data-index="{SEARCH_INDEX_PATH}"' in page
    noscript = text_of(r"<noscript>(.*?)</noscript>", page)
    assert "braucht JavaScript" in noscript
    assert 'href="/de/projekte/"' in page.split("<noscript>")[1].split("</noscript>")[0]
    english = (tmp_path / "site" / "en" / "search" / "index.html").read_text()
    assert "needs JavaScript" in english
    assert (tmp_path / "site" / "static" / "search" / "offline.js").is_file()
    assert (tmp_path / "site" / "static" / "search" / "vendor" / "minisearch-7.2.0.js").is_file()
    # The live search page loads no script: it works without JavaScript, as before.
    live = client.get("/de/suche/", {"q": "Cluster"}).content.decode()
    assert "<script src" not in live and "noscript" not in live
    assert "Treffer für" in live


# -- the web-archive file -------------------------------------------------------------------


class ReplayHandler(SimpleHTTPRequestHandler):
    """Answers from the WARC file's response records, as a web archive's replay does."""

    records = {}

    def do_GET(self):
        status, headers, body = self.records.get(self.path, (404, [], b""))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def test_the_warc_file_reads_back_completely_and_replays_a_page(client, real_archive, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    base = "https://archiv.example.org"
    folder = tmp_path / "out" / "site"
    export(folder, "--base-url", base, "--warc")
    warc = folder.parent / "site.warc.gz"
    assert warc.is_file()

    records = []
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            http = record.http_headers
            records.append(
                (
                    record.rec_type,
                    record.rec_headers,
                    http.get_statuscode() if http and record.rec_type == "response" else None,
                    http.headers if http else [],
                    record.content_stream().read(),
                )
            )
    kinds = [kind for kind, *_ in records]
    assert kinds[0] == "warcinfo" and kinds.count("response") == kinds.count("request")
    info = records[0][4].decode()
    assert "Projektarchiv" in info and f"{base}" in info
    assert re.search(r"exportiert am \d{4}-\d{2}-\d{2}", info)
    responses = {
        head.get_header("WARC-Record-ID"): head for kind, head, *_ in records if kind == "response"
    }
    for kind, head, *_ in records:
        if kind == "request":
            assert head.get_header("WARC-Concurrent-To") in responses
        if kind in ("request", "response"):
            assert head.get_header("WARC-Target-URI").startswith(base + "/")

    replay = {}
    for kind, head, status, headers, body in records:
        if kind == "response":
            replay[head.get_header("WARC-Target-URI")[len(base) :]] = (int(status), headers, body)
    # Every file of the export is in the web archive, under its live address.
    for path in folder.rglob("*"):
        if path.is_file():
            relative = "/" + str(path.relative_to(folder))
            if relative.endswith("/index.html"):
                relative = exporter_live_url(relative[: -len("index.html")])
            assert relative in replay, relative
    assert replay["/"][0] == 302 and replay["/404.html"][0] == 404
    # The live headers: the page's own Content-Security-Policy and language.
    _status, headers, _body = replay["/en/"]
    assert dict(headers)["Content-Language"] == "en"
    assert "default-src 'self'" in dict(headers)["Content-Security-Policy"]

    ReplayHandler.records = replay
    server = ThreadingHTTPServer(("127.0.0.1", 0), ReplayHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        status, content_type, body = get(origin + "/de/projekte/alfaclu/")
        report = AnnualReport.objects.published().first()
        pdf_status, pdf_type, pdf = get(origin + report.get_download_url())
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert status == 200 and content_type == "text/html"
    live = client.get("/de/projekte/alfaclu/").content.decode()
    page = body.decode()
    assert text_of(r"<title>(.*?)</title>", page) == text_of(r"<title>(.*?)</title>", live)
    assert text_of(r"<h1[^>]*>(.*?)</h1>", page) == text_of(r"<h1[^>]*>(.*?)</h1>", live)
    with report.file.open("rb") as file:
        assert (pdf_status, pdf_type, pdf) == (200, "application/pdf", file.read())


def test_a_warc_file_needs_the_base_url(real_archive, tmp_path):
    with pytest.raises(CommandError, match="--base-url"):
        export(tmp_path / "out" / "site", "--warc")
    assert not (tmp_path / "out").exists()


# -- the offline search: the same promises as the live search -------------------------------

NODE_RUNNER = """
const search = require(process.argv[1]);
const engine = search.build(JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")));
const out = {};
for (const language of ["de", "en"])
  for (const q of JSON.parse(process.argv[3]))
    out[language + " " + q] = search.search(engine, q, language).results;
console.log(JSON.stringify(out));
"""


def node():
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("node is needed to run search/offline.js; CI never skips this test.")
        pytest.skip("node (JavaScript) is not installed: apt-get install nodejs")
    return found


def offline_search(site, queries):
    """{"de Förderer": [result, …], …}: the exported index searched by the exported script."""
    completed = subprocess.run(
        [
            node(),
            "-e",
            NODE_RUNNER,
            str(site / "static" / "search" / "offline.js"),
            str(site / SEARCH_INDEX_PATH.lstrip("/")),
            json.dumps(queries),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(completed.stdout)


def test_the_offline_search_keeps_the_promises_in_the_page_language(real_archive, tmp_path):
    """tests/search/queries.py's table, searched in the exported site with its own script
    and index (an export per query would take minutes: one for the table)."""
    trial_projects()
    export(tmp_path / "site")
    found = offline_search(tmp_path / "site", [*(q for q, _w, _u in PROMISES), "knowledge"])
    broken = []
    for q, wanted, unwanted in PROMISES:
        titles = {result["title"] for result in found[f"de {q}"]}
        if not set(wanted) <= titles or set(unwanted) & titles:
            broken.append((q, sorted(titles)))
    assert broken == []
    english = {result["title"]: result for result in found["en bridges"]}
    assert english["Funders of the street"]["url"] == "/en/projects/foerderer-der-strasse/"
    german = {result["title"]: result for result in found["de knowledge"]}
    assert german["Förderer der Straße"]["snippetInOtherLanguage"]
    assert german["Förderer der Straße"]["snippetLanguage"] == "en"
    assert found["en Duschek"][0]["url"].startswith("/en/people/")


def test_hostile_queries_are_only_text_to_the_offline_search(real_archive, tmp_path):
    export(tmp_path / "site")
    hostile = [
        '"',
        "*",
        "Clus*",
        "NEAR(Cluster Hamburg)",
        "title:Cluster",
        "%_%",
        "\\",
        "a" * 10_000,
        "\u202e\u200b",
        "<mark>Cluster</mark>",
        "x",
        "",
    ]
    found = offline_search(tmp_path / "site", hostile)
    assert set(found) == {f"{language} {q}" for language in ("de", "en") for q in hostile}
    assert found["de x"] == found["de "] == []
