"""The whole public site as static files (``manage.py export_site``): crawled in-process
as an anonymous visitor, every page written at its own path, query strings turned into
paths, the search page given the offline search (docs/deployment.md, "Frozen mode").
"""

import hashlib
import html
import json
import posixpath
import re
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urljoin, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from search.offline import EXPORT_ENVIRON_KEY, build_index

# Where the export keeps the offline search's index; the export's requests carry it in
# EXPORT_ENVIRON_KEY, and the search page then adds the offline search.
SEARCH_INDEX_PATH = "/suchindex.json"
# Without a base URL the pages are rendered for this host, and its absolute addresses
# are written as paths from the root (".invalid" is reserved: RFC 2606).
PLACEHOLDER_ORIGIN = "http://export.invalid"

REDIRECTS = {301, 302, 303, 307, 308}
TEXT_TYPES = ("text/", "application/xml", "application/atom+xml", "application/json")
_ATTRIBUTE = re.compile(r'(\s(?:href|src|action)=")([^"]*)(")')
_SRCSET = re.compile(r'\ssrcset="([^"]*)"')
_XML_LINK = re.compile(r"<loc>([^<]*)</loc>|\shref=\"([^\"]*)\"")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
_SITEMAP_LINE = re.compile(r"^Sitemap:\s*(\S+)", re.MULTILINE)
_SAFE_TOKEN = re.compile(r"[A-Za-z0-9._~-]+")


class ExportError(Exception):
    """The export cannot be completed; nothing is left in place of a good one."""


@dataclass
class Fetched:
    """One live answer: its address (path and query), status, headers and body."""

    url: str
    status: int
    reason: str
    headers: list
    body: bytes

    def header(self, wanted, default=""):
        for name, value in self.headers:
            if name.lower() == wanted.lower():
                return value
        return default

    @property
    def content_type(self):
        return self.header("Content-Type")


@dataclass
class ExportSummary:
    pages: dict = field(default_factory=dict)  # the export's path → the live address
    files: int = 0
    bytes: int = 0
    broken: dict = field(default_factory=dict)  # live address → status, pages linking it
    seconds: float = 0.0


def _token(text):
    """A query parameter's name or value as one path segment's part, unchanged if it is
    made of unreserved characters (slugs, numbers), else as a short digest."""
    if _SAFE_TOKEN.fullmatch(text):
        return text
    return "~" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _joined(path, query):
    return f"{path}?{query}" if query else path


def normalise(url):
    """(path, query) of a live address, the query's parameters sorted: the same page
    reached with its parameters in another order is one page."""
    parts = urlsplit(url)
    pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
    query = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)
    return parts.path or "/", query


def export_url(path, query=""):
    """The address of a live page in the export: the path, with the query as segments."""
    if query and path.endswith("/"):
        pairs = parse_qsl(query, keep_blank_values=True)
        return path + "".join(f"{_token(key)}={_token(value)}/" for key, value in pairs)
    return path


def export_file(url):
    """The file (relative to the export's folder) that answers ``url`` of the export.

    A path ending in "/" or without an extension is a page: its ``index.html``.
    """
    path = posixpath.normpath(unquote(url))
    if not path.startswith("/") or "/../" in f"{path}/" or "\x00" in path:
        raise ExportError(f"Adresse außerhalb der Website: {url}")
    relative = path.lstrip("/")
    if url.endswith("/") or not posixpath.splitext(relative)[1]:
        return posixpath.join(relative, "index.html") if relative else "index.html"
    return relative


class Exporter:
    """Crawls the live site in-process and writes it to ``folder``.

    ``base_url`` ("https://archiv.example.org"): the live site's origin, used in the
    absolute addresses; None writes paths instead. ``progress(message)`` is called now
    and then; ``warc`` (a ``WarcWriter`` or None) receives every answer as it was given.
    """

    def __init__(self, folder, base_url=None, progress=None, warc=None):
        self.folder = Path(folder)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.origin = self.base_url or PLACEHOLDER_ORIGIN
        parts = urlsplit(self.origin)
        self.scheme, self.host = parts.scheme, parts.netloc
        self.progress = progress or (lambda message: None)
        self.warc = warc
        self.result = ExportSummary()
        admin = settings.ADMIN_URL.strip("/")
        self.excluded = tuple(f"/{code}/{admin}/" for code, _name in settings.LANGUAGES)
        self.search_paths = set()
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                self.search_paths.add(reverse("search:search"))

    # -- the crawl -------------------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        overrides = {
            "ALLOWED_HOSTS": [self.host.rsplit(":", 1)[0] if ":" in self.host else self.host],
            # Every page is rendered afresh: the page cache would keep the export's
            # variant of the search page (and could hand one to visitors).
            "PAGE_CACHE": False,
            # The files themselves, not nginx's hand-over headers.
            "MEDIA_ACCEL_REDIRECT_PREFIX": "",
            # The open data built for the export's own addresses, not the files
            # write_open_data wrote for the live site's.
            "OPEN_DATA_ROOT": None,
            "SECURE_SSL_REDIRECT": False,
            # The pages as production renders them (the 404 page, not the debug page), and
            # the static files from the apps' folders where collectstatic has not run.
            "DEBUG": False,
            "WHITENOISE_USE_FINDERS": True,
            "SECURE_PROXY_SSL_HEADER": None,
        }
        with override_settings(**overrides), translation.override(settings.LANGUAGE_CODE):
            self.client = Client(HTTP_HOST=self.host, **{EXPORT_ENVIRON_KEY: SEARCH_INDEX_PATH})
            self._crawl()
            self._write_extras()
        self.result.seconds = time.monotonic() - started
        return self.result

    def _crawl(self):
        seeds = [f"/{code}/" for code, _name in settings.LANGUAGES] + [
            "/sitemap.xml",
            "/robots.txt",
        ]
        queue = deque(normalise(url) for url in seeds)
        seen = set(queue)
        referrers = {}
        fetched_count = 0
        while queue:
            path, query = queue.popleft()
            fetched = self.fetch(path, query)
            fetched_count += 1
            live = _joined(path, query)
            if fetched.status in REDIRECTS:
                location = fetched.header("Location", "")
                links = [location]
                self._write_redirect(path, query, location)
            elif fetched.status == 200:
                links = self._links(fetched, live)
                self._write_page(path, query, fetched, live)
            else:
                self.result.broken[live] = (fetched.status, sorted(referrers.get(live, ())))
                continue
            for link in links:
                target = self._internal(link, live)
                if target is None:
                    continue
                referrers.setdefault(_joined(*target), set()).add(live)
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
            if fetched_count % 50 == 0:
                self.progress(
                    f"{fetched_count} Adressen abgerufen: {len(self.result.pages)} Seiten, "
                    f"{self.result.files} Dateien, {len(queue)} in der Warteschlange …"
                )

    def fetch(self, path, query=""):
        """The live answer to ``path?query``, as an anonymous visitor gets it."""
        url = _joined(path, query)
        response = self.client.get(url, secure=self.scheme == "https")
        # Reading a streamed answer to its end closes it (the client wraps it so).
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = [
            (name, value)
            for name, value in response.headers.items()
            # The export is anonymous: no cookie is part of it.
            if name.lower() != "set-cookie"
        ]
        fetched = Fetched(url, response.status_code, response.reason_phrase, headers, body)
        if self.warc is not None:
            self.warc.write(self.origin + url, fetched)
        return fetched

    def _links(self, fetched, live):
        """Every address the answer links to (as written, relative or absolute)."""
        content_type = fetched.content_type
        if not content_type.startswith(TEXT_TYPES):
            return []
        text = fetched.body.decode("utf-8", "replace")
        if content_type.startswith("text/html"):
            links = [html.unescape(match.group(2)) for match in _ATTRIBUTE.finditer(text)]
            for match in _SRCSET.finditer(text):
                for candidate in html.unescape(match.group(1)).split(","):
                    if candidate.strip():
                        links.append(candidate.split()[0])
            return links
        if "xml" in content_type:
            return [
                html.unescape(match.group(1) or match.group(2))
                for match in _XML_LINK.finditer(text)
            ]
        if content_type.startswith("text/css"):
            return _CSS_URL.findall(text)
        if content_type.startswith("text/plain"):
            return _SITEMAP_LINE.findall(text)
        return []

    def _internal(self, link, live):
        """(path, query) of a link to this site that the export follows; None for others.

        Not followed: other hosts, the admin, search results (a query is the visitor's),
        addresses that are not web pages (mailto:, data:).
        """
        absolute = urljoin(f"{self.origin}{live}", link.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != self.host:
            return None
        path, query = normalise(absolute)
        if path.startswith(self.excluded) or path == "/healthz":
            return None
        if path in self.search_paths:
            query = ""
        return path, query

    # -- writing ---------------------------------------------------------------------------

    def _write(self, relative, data):
        target = self.folder / relative
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.result.bytes += len(data)

    def _localise(self, data, content_type):
        """Absolute addresses of the placeholder host become paths from the root."""
        if self.base_url or not content_type.startswith(TEXT_TYPES):
            return data
        return data.replace(PLACEHOLDER_ORIGIN.encode(), b"")

    def _rewrite_links(self, text, live):
        """Links with a query point to the page written for it; others stay as they are."""

        def replace(match):
            raw = html.unescape(match.group(2))
            if raw.startswith("#"):
                return match.group(0)  # a place on this very page
            target = self._internal(raw, live)
            if target is None or not target[1] or target[0] in self.search_paths:
                return match.group(0)
            fragment = urlsplit(raw).fragment
            new = export_url(*target) + (f"#{fragment}" if fragment else "")
            return f"{match.group(1)}{html.escape(new)}{match.group(3)}"

        return _ATTRIBUTE.sub(replace, text)

    def _write_page(self, path, query, fetched, live):
        url = export_url(path, query)
        relative = export_file(url)
        body = fetched.body
        content_type = fetched.content_type
        if content_type.startswith("text/html"):
            text = body.decode("utf-8")
            if "csrfmiddlewaretoken" in text:
                raise ExportError(f"{live}: die Seite enthält ein CSRF-Token.")
            body = self._rewrite_links(text, live).encode("utf-8")
            self.result.pages[url] = live
        else:
            self.result.files += 1
        self._write(relative, self._localise(body, content_type))

    def _write_redirect(self, path, query, location):
        """A page that moved: a small page that sends the visitor on (static servers
        cannot answer with a redirect of their own)."""
        url = export_url(path, query)
        relative = export_file(url)
        if not relative.endswith("index.html"):
            return  # a file's old address: nothing a static folder can answer
        target = self._internal(location, _joined(path, query))
        if target is None:
            return
        page = render_to_string("siteexport/export_redirect.html", {"target": export_url(*target)})
        self._write(relative, page.encode("utf-8"))

    def _write_extras(self):
        """The 404 page, the entry page at the root, the offline search's index."""
        missing = self.fetch("/404.html")
        if missing.status != 404:
            raise ExportError(f"/404.html: {missing.status} statt 404.")
        self._write("404.html", self._localise(missing.body, missing.content_type))
        if not (self.folder / "index.html").exists():
            root = self.fetch("/")  # a redirect by the visitor's language, on the live site
            location = root.header("Location", "/de/")
            page = render_to_string(
                "siteexport/export_redirect.html", {"target": location, "languages": True}
            )
            self._write("index.html", page.encode("utf-8"))
        index = json.dumps(build_index(), ensure_ascii=False, separators=(",", ":")).encode()
        self._write(SEARCH_INDEX_PATH.lstrip("/"), index)
        self.result.files += 1
        if self.warc is not None:
            headers = [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(index))),
            ]
            self.warc.write(
                self.origin + SEARCH_INDEX_PATH,
                Fetched(SEARCH_INDEX_PATH, 200, "OK", headers, index),
            )
        if not self.base_url:
            self._check_no_placeholder()

    def _check_no_placeholder(self):
        needle = urlsplit(PLACEHOLDER_ORIGIN).netloc.encode()
        for path in self.folder.rglob("*"):
            if path.is_file() and needle in path.read_bytes():
                relative = path.relative_to(self.folder)
                raise ExportError(f"{relative}: enthält noch die Adresse {PLACEHOLDER_ORIGIN}.")


def export_date():
    return datetime.now(UTC).replace(microsecond=0)
