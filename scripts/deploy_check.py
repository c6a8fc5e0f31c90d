"""``make deploy-check``: the site as deployed, checked through nginx.

Starts on 127.0.0.1 (free ports): a throwaway PostgreSQL 15 cluster, a Redis server,
gunicorn with gunicorn.conf.py and 2 workers, and Debian's nginx with
deploy/nginx/clusterspace.conf exactly as an operator installs it (placeholders filled
by deploy/render.py) and a self-signed certificate made with openssl. Loads the archive,
then checks over https with Python's http.client what a visitor, an editor and an
operator would notice. Prints PASS or FAIL per check; exits 1 on any failure. Every
process it started is stopped at the end, also on failure or Ctrl-C (scripts/nginx_stack.py).
"""

import contextlib
import gzip
import http.client
import json
import re
import secrets
import shlex
import socket
import ssl
import subprocess
import sys
import time
import traceback
import uuid
import warnings
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

from nginx_stack import BASE_DIR, DEPLOY, HOST, Stack
from render import render

# The security headers every HTML page carries (the app's, or nginx's on its own pages).
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
)
# What every service unit must say (a dedicated user besides).
HARDENING = ("User=", "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=strict")
EDITOR = "redaktion"
APP_LIMIT_MESSAGE = "erlaubt sind höchstens"
NGINX_413_MESSAGE = "Die Datei ist zu groß; erlaubt sind höchstens 50 MB."
ERROR_PAGE_MESSAGE = "Vorübergehend nicht erreichbar"

# Run in the app's Django (manage.py shell -c) after load_archive: an editor, one report
# unpublished, and the addresses of every page type in both languages.
SETUP_CODE = """
import json
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from pages.models import Page
from people.models import Person
from projects.models import Organisation, Project
from reports.models import AnnualReport

get_user_model().objects.create_superuser("%(editor)s", "redaktion@example.org", "%(password)s")
reports = list(AnnualReport.objects.published().select_related("series").order_by("pk"))
shown, hidden = reports[0], reports[-1]
hidden.published = False
hidden.save()
project = Project.objects.published().order_by("position", "pk").first()
person = Person.objects.public().order_by("pk").first()
organisation = Organisation.objects.order_by("pk").first()
pages = {}
for language in ("de", "en"):
    with translation.override(language):
        pages[language] = {
            "overview": reverse("projects:index"),
            "project list": reverse("projects:list"),
            "project page": project.get_absolute_url(),
            "organisations": reverse("projects:organisations"),
            "organisation page": organisation.get_absolute_url(),
            "people": reverse("people:index"),
            "person page": person.get_absolute_url(),
            "reports": reverse("reports:list"),
            "report page": shown.get_absolute_url(),
            "search": reverse("search:search") + "?q=Cluster",
            "open data": reverse("opendata:page"),
            "feed": reverse("website:feed"),
            **{kind.value: reverse("pages:" + kind.value) for kind in Page.Kind},
            "download": shown.get_download_url(),
            "hidden download": hidden.get_download_url(),
            "hidden page": hidden.get_absolute_url(),
        }
print(json.dumps({
    "pages": pages,
    "shown_file": shown.file.name,
    "hidden_file": hidden.file.name,
    "impressum_pk": Page.objects.get(slug=Page.Kind.IMPRESSUM).pk,
    "export": reverse("opendata:json"),
}))
"""

COUNT_CODE = """
import json
from reports.models import AnnualReport
print(json.dumps(AnnualReport.objects.count()))
"""


# -- A small HTTPS client ---------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def all(self, name):
        return self.headers.get_all(name) or []

    def get(self, name, default=""):
        return self.headers.get(name, default)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """One visitor: new connection per request, cookies kept, no redirects followed."""

    def __init__(self, stack):
        self.stack = stack
        self.context = stack.ssl_context()
        self.cookies = {}

    def request(self, method, path, headers=None, body=None, scheme="https"):
        if scheme == "https":
            connection = http.client.HTTPSConnection(
                HOST, self.stack.ports["https"], context=self.context, timeout=60
            )
        else:
            connection = http.client.HTTPConnection(HOST, self.stack.ports["http"], timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            # Refused while sending (413): the answer may still be there.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Response(response.status, response.headers, data)

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, fields, files=()):
        """POST a form as a browser does (multipart), with Origin and Referer."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, filename, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            )
            parts.append(data)
            parts.append(b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        body = b"".join(parts)
        origin = self.stack.https_origin
        return self.request(
            "POST",
            path,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Origin": origin,
                "Referer": origin + path,
            },
            body=body,
        )


class FormFields(HTMLParser):
    """The fields a browser would submit with the page's form number ``index``."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        if not self.forms:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            fields.append([name, attrs.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = {"name": name, "chosen": None, "first": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self.forms:
            chosen = self._select["chosen"]
            if chosen is not None:
                self.forms[-1].append([self._select["name"], chosen])
            self._select = None


def form_fields(html, index=-1):
    parser = FormFields()
    parser.feed(html)
    return [tuple(field) for field in parser.forms[index]]


# -- The checks ---------------------------------------------------------------------------------


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


def security_headers_once(response, where):
    counts = {name: len(response.all(name)) for name in SECURITY_HEADERS}
    wrong = {name: n for name, n in counts.items() if n != 1}
    expect(not wrong, f"{where}: security headers not present exactly once: {wrong}")


class DeployCheck:
    def __init__(self, stack):
        self.stack = stack
        self.results = []
        self.password = secrets.token_urlsafe(16)
        self.visitor = Client(stack)
        self.editor = Client(stack)

    def token(self):
        return secrets.token_hex(6)

    def app_hits(self, method, path):
        time.sleep(0.3)  # gunicorn writes its access log line after the answer
        return self.stack.gunicorn_requests(f'"{method} {path} HTTP/1.')

    def report_count(self):
        return self.stack.django(COUNT_CODE)

    def media_files(self):
        root = self.stack.media_root
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    def run(self, name, function):
        start = time.monotonic()
        try:
            detail = function()
        except Failed as error:
            self.results.append((name, False))
            print(f"FAIL  {name}: {error}", flush=True)
            return
        except Exception as error:  # a check that breaks is a failed check, with its reason
            self.results.append((name, False))
            print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
            traceback.print_exc(limit=3)
            return
        self.results.append((name, True))
        took = time.monotonic() - start
        print(f"PASS  {name}{f' ({detail})' if detail else ''} [{took:.1f} s]", flush=True)

    # Setting up: the archive, an editor, one report unpublished.

    def setup(self):
        print(self.stack.prepare().strip())
        self.info = self.stack.django(SETUP_CODE % {"editor": EDITOR, "password": self.password})
        self.pages = self.info["pages"]

    # TLS and plain HTTP.

    def check_tls(self):
        results = []
        with self.stack.ssl_context().wrap_socket(
            _connect(self.stack.ports["https"]), server_hostname=HOST
        ) as tls:
            results.append(f"{tls.version()} {tls.cipher()[0]}")
            expect(tls.version() in {"TLSv1.2", "TLSv1.3"}, f"negotiated {tls.version()}")
        legacy = self.stack.ssl_context()
        legacy.maximum_version = ssl.TLSVersion.TLSv1_2
        legacy.set_ciphers("ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA")
        expect(not _handshakes(legacy, self.stack), "a CBC cipher without AEAD was accepted")
        old = self.stack.ssl_context()
        old.set_ciphers("DEFAULT:@SECLEVEL=0")  # the client may offer TLS 1.1: nginx must refuse
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            old.minimum_version = ssl.TLSVersion.TLSv1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
        expect(not _handshakes(old, self.stack), "TLS 1.1 was accepted")
        return f"{results[0]}; TLS 1.1 and CBC ciphers refused"

    def check_http_redirect(self):
        path = "/de/projekte/?jahr=2020"
        response = self.visitor.request("GET", path, scheme="http")
        expect(response.status == 301, f"http answered {response.status}")
        location = response.get("Location")
        expect(location == self.stack.https_origin + path, f"Location: {location}")
        return f"301 to {location}"

    # Every page type, both languages.

    def check_page(self, name):
        for language in ("de", "en"):
            path = self.pages[language][name]
            # First from the app, then (within a second) from the micro-cache.
            for attempt in ("app", "micro-cache"):
                response = self.visitor.get(path, **{"Accept-Encoding": "gzip"})
                where = f"{path} ({attempt})"
                expect(response.status == 200, f"{where}: status {response.status}")
                expect(
                    response.get("Content-Type").startswith("text/html"),
                    f"{where}: {response.get('Content-Type')}",
                )
                security_headers_once(response, where)
        return f"{self.pages['de'][name]} and {self.pages['en'][name]}"

    def check_other_answers(self):
        paths = [self.pages["de"]["feed"], self.pages["en"]["feed"], "/sitemap.xml", "/robots.txt"]
        for path in paths:
            response = self.visitor.get(path)
            expect(response.status == 200, f"{path}: {response.status}")
            security_headers_once(response, path)
        sitemap = self.visitor.get("/sitemap.xml").text
        expect(
            f"<loc>{self.stack.https_origin}/de/" in sitemap, "the sitemap's links are not https"
        )
        return f"{', '.join(paths)}; the sitemap links {self.stack.https_origin}/…"

    def check_not_found(self):
        for language in ("de", "en"):
            path = f"/{language}/gibt-es-nicht-{self.token()}/"
            response = self.visitor.get(path)
            expect(response.status == 404, f"{path}: {response.status}")
            expect(f'lang="{language}"' in response.text, f"{path}: not the site's 404 page")
            security_headers_once(response, path)

    # Report PDFs: handed over with X-Accel-Redirect, sent by nginx.

    def check_pdf_by_nginx(self):
        data = (self.stack.media_root / self.info["shown_file"]).read_bytes()
        for language in ("de", "en"):
            path = self.pages[language]["download"]
            response = self.visitor.get(path)
            expect(response.status == 200, f"{path}: {response.status}")
            expect(response.get("Content-Type") == "application/pdf", response.get("Content-Type"))
            expect(response.body == data, f"{path}: the body is not the stored file")
            expect(not response.all("X-Accel-Redirect"), "X-Accel-Redirect reached the client")
            expect(
                response.get("Content-Disposition").startswith("inline; filename="),
                f"Content-Disposition: {response.get('Content-Disposition')}",
            )
            expect(response.get("Accept-Ranges") == "bytes", "no Accept-Ranges from nginx")
            expect(len(response.all("X-Content-Type-Options")) == 1, "nosniff not once")
            twice = [name for name in SECURITY_HEADERS if len(response.all(name)) > 1]
            expect(not twice, f"headers twice: {twice}")
            # gunicorn answered with an empty body: nginx sent the bytes.
            time.sleep(0.3)
            log = self.stack.gunicorn_log.read_text(errors="replace")
            sizes = re.findall(rf'"GET {re.escape(path)} HTTP/1\.\d" 200 (\S+)', log)
            expect(sizes, f"{path}: not in gunicorn's access log")
            expect(set(sizes) <= {"0", "-"}, f"gunicorn sent {sizes} bytes for {path}")
        return f"{len(data):,} bytes each, gunicorn sent 0"

    def check_pdf_range(self):
        path = self.pages["de"]["download"]
        size = (self.stack.media_root / self.info["shown_file"]).stat().st_size
        response = self.visitor.get(path, Range="bytes=0-1023")
        expect(response.status == 206, f"status {response.status}")
        expect(len(response.body) == 1024, f"{len(response.body)} bytes")
        expect(
            response.get("Content-Range") == f"bytes 0-1023/{size}",
            f"Content-Range: {response.get('Content-Range')}",
        )
        outside = self.visitor.get(path, Range=f"bytes={size + 10}-")
        expect(outside.status == 416, f"a range outside the file: {outside.status}")
        return "206 bytes 0-1023, 416 outside"

    def check_pdf_not_modified(self):
        path = self.pages["en"]["download"]
        first = self.visitor.get(path)
        etag = first.get("ETag")
        expect(etag, "no ETag")
        again = self.visitor.get(path, **{"If-None-Match": etag})
        expect(again.status == 304, f"If-None-Match {etag}: {again.status}")
        expect(not again.body, "a 304 with a body")
        return f"304 for {etag}"

    def check_media_path_internal(self):
        name = self.info["shown_file"]
        for path in (f"/_media/{name}", f"/media/{name}", f"/de/_media/{name}"):
            response = self.visitor.get(path)
            expect(response.status == 404, f"{path}: {response.status}")
            expect(not response.body.startswith(b"%PDF"), f"{path} sent the PDF")
        return "/_media/… and /media/… answer 404"

    def check_unpublished_unreachable(self):
        name = self.info["hidden_file"]
        paths = [
            self.pages["de"]["hidden download"],
            self.pages["en"]["hidden download"],
            self.pages["de"]["hidden page"],
            f"/_media/{name}",
            f"/media/{name}",
            f"/static/../media/{name}",
            f"/static/..%2f_media/{name}",
            f"/static/{name}",
        ]
        for path in paths:
            response = self.visitor.get(path)
            expect(response.status in {400, 404}, f"{path}: {response.status}")
            expect(b"%PDF" not in response.body[:1024], f"{path} sent the PDF")
        return f"{len(paths)} addresses, none sends it"

    # Static files from STATIC_ROOT.

    def check_static(self):
        manifest = json.loads((self.stack.static_root / "staticfiles.json").read_text())
        hashed = "/static/" + manifest["paths"]["css/site.css"]
        response = self.visitor.get(hashed, **{"Accept-Encoding": "gzip"})
        expect(response.status == 200, f"{hashed}: {response.status}")
        expect(
            response.all("Cache-Control") == ["public, max-age=31536000, immutable"],
            f"{hashed}: Cache-Control {response.all('Cache-Control')}",
        )
        expect(response.get("Content-Encoding") == "gzip", f"{hashed}: not the gzip variant")
        expect(response.get("Content-Type").startswith("text/css"), response.get("Content-Type"))
        expect(len(response.all("X-Content-Type-Options")) == 1, "nosniff not once")
        plain = self.visitor.get("/static/css/site.css")
        expect(
            plain.all("Cache-Control") == ["public, max-age=3600"],
            f"unhashed: Cache-Control {plain.all('Cache-Control')}",
        )
        expect(self.app_hits("GET", hashed) == 0, "the stylesheet reached gunicorn")
        return f"{hashed}: immutable, gzip"

    # The editor.

    def check_editor_login(self):
        login = "/de/admin/login/"
        page = self.editor.get(login)
        expect(page.status == 200, f"{login}: {page.status}")
        fields = dict(form_fields(page.text))
        fields.update({"username": EDITOR, "password": self.password, "next": "/de/admin/"})
        response = self.editor.post_form(login, fields.items())
        expect(response.status == 302, f"login: {response.status} {response.text[:300]}")
        expect("sessionid" in self.editor.cookies, "no session cookie")
        home = self.editor.get("/de/admin/")
        expect(home.status == 200, f"/de/admin/: {home.status}")
        return "logged in through nginx (CSRF, secure cookies)"

    def upload(self, size):
        add = "/de/admin/reports/annualreport/add/"
        page = self.editor.get(add)
        expect(page.status == 200, f"{add}: {page.status}")
        fields = [f for f in form_fields(page.text) if f[0] not in {"year", "series"}]
        series = re.search(r'<select name="series"[^>]*>.*?<option value="(\d+)"', page.text, re.S)
        expect(series, "no report series to choose")
        fields += [("series", series.group(1)), ("year", "2099"), ("published", "on")]
        filler = size - 20
        data = b"%PDF-1.4\n" + b"0" * filler + b"\n%%EOF\n"
        return add, self.editor.post_form(add, fields, [("file", "gross.pdf", data)])

    def nothing_left(self, before_count, before_files):
        expect(self.report_count() == before_count, "a report row was saved")
        expect(self.media_files() == before_files, "a file was left in MEDIA_ROOT")
        temp = self.stack.dir / "tmp"
        left = [p.name for p in temp.iterdir()] if temp.exists() else []
        expect(not left, f"temporary upload files left: {left}")
        body_temp = self.stack.nginx_dir / "temp" / "body"
        left = [str(p) for p in body_temp.rglob("*") if p.is_file()] if body_temp.exists() else []
        expect(not left, f"nginx left request bodies: {left}")

    def check_upload_60mb(self):
        before_count, before_files = self.report_count(), self.media_files()
        add, response = self.upload(60 * 1000 * 1000)
        expect(response.status == 413, f"status {response.status}")
        expect(NGINX_413_MESSAGE in response.text, "the 413 page lacks the German message")
        expect('<html lang="de">' in response.text, "not the German/English page")
        security_headers_once(response, "413 page")
        expect(self.app_hits("POST", add) == 0, "the upload reached gunicorn")
        self.nothing_left(before_count, before_files)
        return "413 from nginx with the German message; nothing saved"

    def check_upload_over_app_limit(self):
        before_count, before_files = self.report_count(), self.media_files()
        add, response = self.upload(50 * 1024 * 1024 + 512 * 1024)
        expect(response.status == 200, f"status {response.status}")
        expect(APP_LIMIT_MESSAGE in response.text, "the form does not say the file is too large")
        expect(self.app_hits("POST", add) == 1, "the upload did not reach the app")
        self.nothing_left(before_count, before_files)
        message = re.search(r"Die Datei ist [^<]*?höchstens [^<]*?\.", response.text)
        return f"the app: „{message.group(0) if message else APP_LIMIT_MESSAGE}“"

    # The micro-cache.

    def check_micro_cache_hit(self):
        path = f"/de/?probe={self.token()}"
        response = self.visitor.get(path)
        expect(response.status == 200, f"{path}: {response.status}")
        stored = time.monotonic()
        repeated = 0
        # Repeated while the copy is surely fresh (it is kept for a second).
        while repeated < 5 and time.monotonic() - stored < 0.7:
            response = self.visitor.get(path)
            expect(response.status == 200, f"{path}: {response.status}")
            repeated += 1
        expect(repeated, "the machine is too slow to repeat a request within 0.7 s")
        hits = self.app_hits("GET", path)
        expect(hits == 1, f"{repeated + 1} requests within a second reached gunicorn {hits} times")
        return f"{repeated + 1} requests, 1 reached gunicorn"

    def check_compression(self):
        page = self.visitor.get(self.pages["de"]["overview"], **{"Accept-Encoding": "gzip"})
        expect(page.all("Content-Encoding") == ["gzip"], f"page: {page.all('Content-Encoding')}")
        expect(gzip.decompress(page.body).lstrip().startswith(b"<!DOCTYPE"), "not one gzip layer")
        export = self.info["export"]
        data = self.visitor.get(export, **{"Accept-Encoding": "gzip"})
        expect(data.status == 200, f"{export}: {data.status}")
        expect(data.all("Content-Encoding") == ["gzip"], f"{export}: not compressed by nginx")
        json.loads(gzip.decompress(data.body))
        plain = self.visitor.get(export)
        expect(not plain.all("Content-Encoding"), f"{export}: compressed without Accept-Encoding")
        return "pages by the app, exports by nginx, each once"

    def check_micro_cache_revalidation(self):
        path = f"/en/?probe={self.token()}"
        first = self.visitor.get(path)
        etag = first.get("ETag")
        expect(etag.startswith('W/"'), f"no page-cache ETag: {etag!r}")
        again = self.visitor.get(path, **{"If-None-Match": etag})
        expect(again.status == 304, f"If-None-Match from the micro-cache: {again.status}")
        time.sleep(1.5)  # the copy expired: the app answers
        later = self.visitor.get(path, **{"If-None-Match": etag})
        expect(later.status == 304, f"If-None-Match after expiry: {later.status}")
        return f"304 for {etag} from nginx's copy and after it expired"

    def check_editor_bypasses(self):
        hidden = self.pages["de"]["hidden page"]
        path = f"{self.pages['de']['reports']}?probe={self.token()}"
        anonymous = self.visitor.get(path)
        expect(hidden not in anonymous.text, "a visitor sees the unpublished report")
        for _ in range(2):
            page = self.editor.get(path)
            expect(page.status == 200, f"{path}: {page.status}")
            expect(hidden in page.text, "the editor was served the visitors' cached page")
        hits = self.app_hits("GET", path)
        expect(hits == 3, f"expected 3 requests at gunicorn (1 visitor, 2 editor), got {hits}")
        return "the editor's requests all reached the app"

    def check_visitor_only(self):
        hidden = self.pages["de"]["hidden page"]
        path = f"{self.pages['de']['reports']}?probe={self.token()}"
        page = self.editor.get(path)
        expect(hidden in page.text, "the editor does not see the unpublished report")
        visitor = self.visitor.get(path)
        expect(visitor.status == 200, f"{path}: {visitor.status}")
        expect(hidden not in visitor.text, "a visitor got the editor's page")
        expect(self.app_hits("GET", path) == 2, "the editor's page was stored")
        return "not stored; the visitor's request reached the app"

    def check_bypass_admin_post_csrf(self):
        login = f"/de/admin/login/?probe={self.token()}"
        for _ in range(2):
            Client(self.stack).get(login)
        expect(self.app_hits("GET", login) == 2, "the admin's login page was cached")
        path = f"/de/?probe={self.token()}"
        for _ in range(2):
            Client(self.stack).request("POST", path, body=b"")
        expect(self.app_hits("POST", path) == 2, "a POST was answered from the cache")
        cookie = f"/de/?probe={self.token()}"
        with_csrf = Client(self.stack)
        with_csrf.cookies["csrftoken"] = "x" * 32
        for _ in range(2):
            with_csrf.get(cookie)
        expect(self.app_hits("GET", cookie) == 2, "a request with a CSRF cookie was cached")
        return "admin, POST and CSRF cookie: every request reached the app"

    def check_edit_visible(self):
        public = self.pages["de"]["impressum"]
        self.visitor.get(public)  # in the micro-cache now
        change = f"/de/admin/pages/page/{self.info['impressum_pk']}/change/"
        page = self.editor.get(change)
        expect(page.status == 200, f"{change}: {page.status}")
        fields = form_fields(page.text)
        marker = f"Impressum {self.token()}"
        fields = [(name, marker if name == "title_de" else value) for name, value in fields]
        expect(any(name == "title_de" for name, _ in fields), "no title_de field")
        response = self.editor.post_form(change, fields)
        expect(response.status == 302, f"saving: {response.status} {response.text[:300]}")
        saved = time.monotonic()
        while True:
            elapsed = time.monotonic() - saved
            if marker in self.visitor.get(public).text:
                break
            expect(elapsed < 2.0, "the change was not visible to visitors within 2 s")
            time.sleep(0.05)
        return f"visible after {elapsed:.2f} s"

    # The operator's side.

    def check_request_id(self):
        own = f"check-{self.token()}"
        self.visitor.get(f"/de/?probe={self.token()}", **{"X-Request-ID": own})
        hostile = self.visitor.get(f"/de/?probe={self.token()}", **{"X-Request-ID": "a b\tc"})
        expect(hostile.status == 200, f"status {hostile.status}")
        time.sleep(0.3)
        log = (self.stack.nginx_dir / "logs" / "clusterspace.access.log").read_text()
        expect(f"rid={own} " in log, "the client's request id is not in nginx's log")
        expect(re.search(r"rid=[0-9a-f]{32} ", log), "nginx made no id of its own")
        return "the client's id kept, a malformed one replaced by nginx's"

    def unit_values(self):
        backups = self.stack.dir / "backups"
        backups.mkdir(exist_ok=True)
        env_file = self.stack.dir / "clusterspace.env"
        env_file.write_text(
            "".join(f"{k}={v}\n" for k, v in self.stack.env.items() if "\n" not in v)
        )
        env_file.chmod(0o600)
        return {
            "USER": "clusterspace",
            "APP_DIR": str(BASE_DIR),
            "ENV_FILE": str(env_file),
            "BACKUP_DIR": str(backups),
            "STATE_DIR": str(self.stack.dir),
            "OPEN_DATA_ROOT": str(self.stack.open_data_root),
            "HTTPS_ORIGIN": self.stack.https_origin,
            "NGINX_GROUP": "www-data",
        }

    def check_systemd_units(self):
        folder = self.stack.dir / "systemd"
        folder.mkdir()
        values = self.unit_values()
        names = sorted(p.name for p in (DEPLOY / "systemd").iterdir())
        for name in names:
            (folder / name).write_text(render((DEPLOY / "systemd" / name).read_text(), values))
        result = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", *(f"./{name}" for name in names)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        complaints = (result.stdout + result.stderr).strip()
        expect(result.returncode == 0 and not complaints, f"systemd-analyze: {complaints}")
        for name in names:
            if name.endswith(".service"):
                unit = (folder / name).read_text()
                for option in HARDENING:
                    expect(f"\n{option}" in unit, f"{name}: no {option}")
        return f"{', '.join(names)}: no complaints, hardened"

    def check_backup_unit(self):
        """The backup unit's command line, run as systemd would (without the sandbox)."""
        values = self.unit_values()
        backups = Path(values["BACKUP_DIR"])
        unit = render((DEPLOY / "systemd" / "clusterspace-backup.service").read_text(), values)
        command = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1)
        argv = shlex.split(command)
        argv[0] = sys.executable  # the venv's python: the unit's @APP_DIR@/.venv/bin/python
        subprocess.run(argv, cwd=BASE_DIR, env=self.stack.env, check=True, capture_output=True)
        written = list(backups.glob("clusterspace-*.tar.gz"))
        expect(len(written) == 1, f"backup files: {written}")
        return f"{written[0].name}, {written[0].stat().st_size:,} bytes"

    def check_open_data_unit(self):
        """The open-data unit's command line, run as systemd would (without the sandbox);
        then the downloads are those files, sent by nginx."""
        values = self.unit_values()
        unit = render((DEPLOY / "systemd" / "clusterspace-opendata.service").read_text(), values)
        argv = shlex.split(re.search(r"^ExecStart=(.+)$", unit, re.M).group(1))
        argv[0] = sys.executable
        subprocess.run(argv, cwd=BASE_DIR, env=self.stack.env, check=True, capture_output=True)
        path = self.info["export"]
        data = (self.stack.open_data_root / "projektarchiv.json").read_bytes()
        response = self.visitor.get(path)
        expect(response.status == 200, f"{path}: {response.status}")
        expect(response.body == data, f"{path}: the body is not the written file")
        expect(not response.all("X-Accel-Redirect"), "X-Accel-Redirect reached the client")
        expect(response.get("Content-Type") == "application/json", response.get("Content-Type"))
        expect(
            response.get("Content-Disposition") == 'attachment; filename="projektarchiv.json"',
            f"Content-Disposition: {response.get('Content-Disposition')}",
        )
        expect(response.all("Access-Control-Allow-Origin") == ["*"], "CORS header not once")
        twice = [name for name in SECURITY_HEADERS if len(response.all(name)) > 1]
        expect(not twice, f"headers twice: {twice}")
        time.sleep(0.3)  # gunicorn writes its access log line after the answer
        sizes = re.findall(
            rf'"GET {re.escape(path)} HTTP/1\.\d" 200 (\S+)',
            self.stack.gunicorn_log.read_text(errors="replace"),
        )
        expect(sizes and sizes[-1] in {"0", "-"}, f"gunicorn sent {sizes[-1:]} bytes")
        part = self.visitor.get(path, Range="bytes=0-99")
        expect(part.status == 206 and part.body == data[:100], f"a range: {part.status}")
        inside = self.visitor.get("/_open_data/projektarchiv.json")
        expect(inside.status == 404, f"/_open_data/ reachable: {inside.status}")
        again = self.visitor.get(path, **{"If-None-Match": response.get("ETag")})
        expect(again.status == 304, f"If-None-Match: {again.status}")
        return f"{len(data):,} bytes by nginx, 206 for a range, 304, /_open_data/ internal"

    def check_app_down(self):
        self.stack.stop_gunicorn()
        path = f"/de/projekte/?probe={self.token()}"
        response = self.visitor.get(path)
        expect(response.status == 502, f"status {response.status}")
        expect(ERROR_PAGE_MESSAGE in response.text, "not nginx's error page")
        expect("Temporarily unavailable" in response.text, "the English part is missing")
        security_headers_once(response, "502 page")
        css = self.visitor.get("/static/css/site.css")
        expect(css.status == 200, f"the error page's stylesheet: {css.status}")
        return "502 with the German/English page"

    def checks(self):
        yield "TLS: 1.2/1.3 and AEAD ciphers only", self.check_tls
        yield "http redirects to https", self.check_http_redirect
        for name in self.pages["de"]:
            if not any(word in name for word in ("download", "hidden", "feed")):
                yield f"page {name}, de + en, security headers once", _bound(self.check_page, name)
        yield "feed, sitemap.xml, robots.txt: security headers once", self.check_other_answers
        yield "404 page, de + en", self.check_not_found
        yield "report PDF sent by nginx (X-Accel-Redirect)", self.check_pdf_by_nginx
        yield "report PDF: 206 for a range", self.check_pdf_range
        yield "report PDF: 304 for If-None-Match", self.check_pdf_not_modified
        yield "media paths not reachable directly", self.check_media_path_internal
        yield "unpublished report's file reachable by no URL", self.check_unpublished_unreachable
        yield "static files by nginx, hashed immutable", self.check_static
        yield "editor logs in through nginx", self.check_editor_login
        yield "upload of 60 MB refused in German, nothing left", self.check_upload_60mb
        yield "upload over the app's limit refused in German", self.check_upload_over_app_limit
        yield "gzip: pages by the app, exports by nginx", self.check_compression
        yield "micro-cache answers repeated anonymous requests", self.check_micro_cache_hit
        yield "micro-cache: ETags still answer revalidations", self.check_micro_cache_revalidation
        yield "micro-cache: an editor never gets a cached page", self.check_editor_bypasses
        yield "micro-cache: a visitor never gets an editor's page", self.check_visitor_only
        yield "micro-cache: admin, POST, CSRF cookie bypass", self.check_bypass_admin_post_csrf
        yield "an editor's change is visible within 2 s", self.check_edit_visible
        yield "X-Request-ID passed on (nginx's log)", self.check_request_id
        yield "systemd units verify and are hardened", self.check_systemd_units
        yield "backup unit's command writes an archive", self.check_backup_unit
        yield "open-data unit writes the files, nginx sends them", self.check_open_data_unit
        yield "app stopped: nginx's own error page", self.check_app_down


def _bound(function, *args):
    return lambda: function(*args)


def _connect(port):
    return socket.create_connection((HOST, port), timeout=10)


def _handshakes(context, stack):
    try:
        with context.wrap_socket(_connect(stack.ports["https"]), server_hostname=HOST):
            return True
    except (ssl.SSLError, ConnectionResetError):
        return False


def main():
    start = time.monotonic()
    print("deploy-check: PostgreSQL, Redis, gunicorn (2 workers), nginx on 127.0.0.1", flush=True)
    try:
        with Stack(database="postgres", cache="redis") as stack:
            stack.env["TMPDIR"] = str(stack.dir / "tmp")
            (stack.dir / "tmp").mkdir()
            check = DeployCheck(stack)
            check.setup()
            stack.start_gunicorn()
            stack.start_nginx()
            print(f"deploy-check: site on {stack.https_origin}, http on {stack.http_origin}")
            for name, function in check.checks():
                check.run(name, function)
    except (Exception, KeyboardInterrupt) as error:
        print(f"FAIL  deploy-check stopped: {type(error).__name__}: {error}", flush=True)
        return 1
    failed = [name for name, ok in check.results if not ok]
    took = time.monotonic() - start
    print(
        f"deploy-check: {len(check.results) - len(failed)} passed, {len(failed)} failed "
        f"in {took:.0f} s; every process stopped"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
