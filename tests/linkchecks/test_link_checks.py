"""manage.py check_links against a local HTTP server on 127.0.0.1, and what editors and
visitors see of its findings. Nothing here reaches beyond this machine."""

import datetime
import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from linkchecks.checks import (
    CACHE_KEY,
    HostLimits,
    addresses_in,
    check_address,
    check_addresses,
    collect_addresses,
    refresh_problem_links,
)
from linkchecks.models import LinkCheck
from pagecache.middleware import read_content_version
from projects.models import Organisation, Project, ProjectLink
from reports.models import Interview

TIMEOUT = 1.0
State = LinkCheck.State

REDIRECTS = {
    "/moved": (301, "/moved-again"),
    "/moved-again": (308, "/ok"),
    "/found": (302, "/ok"),
    "/moved-then-found": (301, "/found"),
    "/loop-a": (307, "/loop-b"),
    "/loop-b": (307, "/loop-a"),
    "/moved-to-missing": (301, "/missing"),
    "/no-location": (302, None),
    "/to-nowhere": (302, "http://:0/"),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.server.requests.append(("HEAD", self.path, self.headers.get("Range")))
        self.server.agents.add(self.headers.get("User-Agent"))
        if self.path in ("/head-refused", "/endless"):
            return self._answer(405)
        self._route()

    def do_GET(self):
        self.server.requests.append(("GET", self.path, self.headers.get("Range")))
        self.server.agents.add(self.headers.get("User-Agent"))
        if self.path == "/endless":
            return self._endless()
        self._route()

    def _route(self):
        path = self.path
        if path.startswith("/busy/"):
            with self.server.lock:
                self.server.active += 1
                self.server.most_active = max(self.server.most_active, self.server.active)
            try:
                time.sleep(0.2)
            finally:
                with self.server.lock:
                    self.server.active -= 1
            return self._answer(200)
        if path in REDIRECTS:
            status, target = REDIRECTS[path]
            headers = [("Location", target)] if target else []
            return self._answer(status, headers=headers)
        if path in ("/ok", "/head-refused"):
            return self._answer(200, b"<!doctype html><title>ok</title>")
        if path == "/slow":
            time.sleep(TIMEOUT * 3)
            return self._answer(200)
        for status in (404, 410, 429, 500):
            if path == f"/{status}":
                return self._answer(status)
        return self._answer(404)

    def _endless(self):
        # A body without end (no Content-Length): the checker must stop reading early.
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        chunk = b"x" * 65536
        try:
            while self.server.endless_sent < 200 * 1024 * 1024:
                self.wfile.write(chunk)
                self.server.endless_sent += len(chunk)
        except OSError:
            pass
        self.close_connection = True


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    httpd.requests = []
    httpd.agents = set()
    httpd.lock = threading.Lock()
    httpd.active = 0
    httpd.most_active = 0
    httpd.endless_sent = 0
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def base(server):
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(autouse=True)
def fresh_link_states():
    """The cached mapping is per process: each test starts and ends without it."""
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


def check(url):
    return check_address(url, timeout=TIMEOUT)


# -- The checker ------------------------------------------------------------------------


def test_a_working_address(base):
    result = check(f"{base}/ok")
    assert (result.state, result.status, result.redirects) == (State.WORKING, 200, [])


def test_a_chain_of_permanent_redirects_is_a_move_to_its_end(base):
    result = check(f"{base}/moved")
    assert result.state == State.MOVED
    assert result.new_url == f"{base}/ok"
    assert result.redirects == [
        {"status": 301, "url": f"{base}/moved-again"},
        {"status": 308, "url": f"{base}/ok"},
    ]


def test_a_temporary_redirect_to_a_working_page_works(base):
    result = check(f"{base}/found")
    assert result.state == State.WORKING
    assert result.redirects == [{"status": 302, "url": f"{base}/ok"}]
    assert result.new_url == ""


def test_a_permanent_move_is_taken_only_up_to_a_temporary_hop(base):
    result = check(f"{base}/moved-then-found")
    assert result.state == State.MOVED
    assert result.new_url == f"{base}/found"


def test_a_permanent_redirect_to_a_missing_page_is_broken(base):
    result = check(f"{base}/moved-to-missing")
    assert (result.state, result.status, result.new_url) == (State.BROKEN, 404, "")


@pytest.mark.parametrize("status", [404, 410, 500])
def test_error_statuses_are_broken(base, status):
    result = check(f"{base}/{status}")
    assert (result.state, result.status) == (State.BROKEN, status)
    assert str(status) in result.error


def test_too_many_requests_is_unreachable_for_now_not_broken(base):
    result = check(f"{base}/429")
    assert (result.state, result.status) == (State.UNREACHABLE, 429)


def test_a_slow_answer_runs_into_the_timeout(base):
    result = check(f"{base}/slow")
    assert result.state == State.UNREACHABLE
    assert "Zeitüberschreitung" in result.error


def test_a_redirect_loop_is_detected(base):
    result = check(f"{base}/loop-a")
    assert result.state == State.BROKEN
    assert "Weiterleitungsschleife" in result.error
    assert [hop["url"] for hop in result.redirects] == [f"{base}/loop-b", f"{base}/loop-a"]


def test_a_redirect_without_a_target_is_broken(base):
    assert check(f"{base}/no-location").state == State.BROKEN


def test_refused_head_falls_back_to_a_ranged_get(base, server):
    result = check(f"{base}/head-refused")
    assert (result.state, result.status) == (State.WORKING, 200)
    asked = [r for r in server.requests if r[1] == "/head-refused"]
    assert asked[-2:] == [("HEAD", "/head-refused", None), ("GET", "/head-refused", "bytes=0-0")]


def test_an_endless_body_is_not_read_to_its_end(base, server):
    result = check(f"{base}/endless")
    assert result.state == State.WORKING
    # The server stops at 200 MB; the checker closed the connection long before.
    assert server.endless_sent < 50 * 1024 * 1024


def test_a_refused_connection_is_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check(f"http://127.0.0.1:{port}/")
    assert result.state == State.UNREACHABLE
    assert "abgelehnt" in result.error


def test_a_tls_error_is_unreachable(server):
    # TLS spoken to a plain HTTP server: the handshake fails.
    result = check(f"https://127.0.0.1:{server.server_address[1]}/ok")
    assert result.state == State.UNREACHABLE
    assert "TLS" in result.error


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/datei.pdf", "javascript:alert(1)", "mailto:info@example.org"]
)
def test_other_schemes_are_not_fetched(url):
    result = check(url)
    assert result.state == State.UNCHECKABLE
    assert "Schema" in result.error


MALFORMED = ["http://", "http://127.0.0.1:99999/", "https://[::1", "http://a b/"]


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_addresses_are_broken_with_a_reason(url):
    result = check(url)
    assert result.state == State.BROKEN
    assert "Keine gültige Adresse" in result.error


def test_a_redirect_to_a_malformed_address_is_broken(base):
    result = check(f"{base}/to-nowhere")
    assert result.state == State.BROKEN
    assert result.redirects == [{"status": 302, "url": "http://:0/"}]


def test_requests_to_one_host_are_limited(base, server):
    server.most_active = 0
    urls = [f"{base}/busy/{n}" for n in range(8)]
    results = list(check_addresses(urls, timeout=TIMEOUT, workers=8, per_host=2))
    assert sorted(r.url for r in results) == sorted(urls)
    assert all(r.state == State.WORKING for r in results)
    assert 1 <= server.most_active <= 2


def test_host_limits_hand_out_one_semaphore_per_host():
    limits = HostLimits(3)
    assert limits("a.example") is limits("a.example")
    assert limits("a.example") is not limits("b.example")


def test_addresses_are_found_in_text_without_sentence_marks():
    text = "Siehe https://example.org/a. Oder (http://example.org/b?x=1), nicht ftp://x."
    assert addresses_in(text) == ["https://example.org/a", "http://example.org/b?x=1"]


# -- The command ------------------------------------------------------------------------


def test_the_command_stores_states_and_keeps_the_last_working_time(base, db):
    earlier = timezone.now() - datetime.timedelta(days=30)
    LinkCheck.objects.create(
        url=f"{base}/404", state=State.WORKING, checked_at=earlier, last_ok=earlier
    )
    out = io.StringIO()
    call_command(
        "check_links", f"{base}/ok", f"{base}/moved", f"{base}/404", timeout=TIMEOUT, stdout=out
    )
    states = dict(LinkCheck.objects.values_list("url", "state"))
    assert states == {
        f"{base}/ok": State.WORKING,
        f"{base}/moved": State.MOVED,
        f"{base}/404": State.BROKEN,
    }
    broken = LinkCheck.objects.get(url=f"{base}/404")
    assert broken.last_ok == earlier
    assert broken.checked_at > earlier
    assert LinkCheck.objects.get(url=f"{base}/ok").last_ok is not None
    assert LinkCheck.objects.get(url=f"{base}/moved").new_url == f"{base}/ok"
    output = out.getvalue()
    assert f"{base}/404: defekt" in output
    assert "3 Adressen geprüft, 2 mit Befund." in output
    # Visitors' pages learn of the broken address from the refreshed mapping.
    assert set(cache.get(CACHE_KEY)) == {f"{base}/404"}


def test_the_checker_introduces_itself_with_the_sites_identity(base, server, archive):
    server.agents.clear()  # the server is shared by the module's tests
    call_command("check_links", f"{base}/ok", timeout=TIMEOUT, stdout=io.StringIO())
    (agent,) = server.agents
    assert agent == (
        "clusterspace-linkcheck/1.0 (+Projektarchiv - Professur fuer Organisationstheorie, "
        "Helmut-Schmidt-Universitaet Hamburg)"
    )


def test_a_run_raises_the_content_version_once(base, db):
    """Cached pages re-render after a check, but not once per stored address."""
    before = read_content_version()[0]
    urls = [f"{base}/ok", f"{base}/moved", f"{base}/404", f"{base}/410"]
    call_command("check_links", *urls, timeout=TIMEOUT, stdout=io.StringIO())
    assert LinkCheck.objects.count() == 4
    assert read_content_version()[0] == before + 1


def test_the_command_checks_the_sites_own_addresses(base, archive):
    # The archive's two external addresses, pointed at the local server.
    ProjectLink.objects.filter(url="http://www.alfaclu.de").update(url=f"{base}/410")
    Interview.objects.exclude(url="").update(url=f"{base}/moved")
    LinkCheck.objects.create(
        url="https://nicht-mehr-verlinkt.example/", state=State.BROKEN, checked_at=timezone.now()
    )
    out = io.StringIO()
    call_command("check_links", timeout=TIMEOUT, stdout=out)
    assert dict(LinkCheck.objects.values_list("url", "state")) == {
        f"{base}/410": State.BROKEN,
        f"{base}/moved": State.MOVED,
    }
    assert f"{base}/410: defekt – Antwort mit Status 410." in out.getvalue()
    assert "2 Adressen geprüft, 2 mit Befund." in out.getvalue()


def test_the_site_addresses_are_collected_from_published_entries(archive):
    found = collect_addresses()
    assert "http://www.alfaclu.de" in found
    assert (
        "https://digitalcluster.hamburg/de/video-news-archiv/2024/2024-CrossClusterSpace" in found
    )
    project = Project.objects.published().first()
    project.description_en = "See https://example.org/report.pdf."
    project.save()
    Organisation.objects.update(website="")
    hidden = Project.objects.published().last()
    hidden.published = False
    hidden.description_de = "Intern: https://example.org/geheim"
    hidden.save()
    found = collect_addresses()
    assert found["https://example.org/report.pdf"] == {project.title}
    assert "https://example.org/geheim" not in found
    assert "https://ror.org/04pz7b180" not in found
    assert "https://ror.org/04pz7b180" in collect_addresses(identifiers=True)


# -- What visitors see ------------------------------------------------------------------


@pytest.fixture
def linked_project(archive):
    link = ProjectLink.objects.get(url="http://www.alfaclu.de")
    return link.project


def mark(url, state, last_ok=None):
    LinkCheck.objects.update_or_create(
        url=url,
        defaults={"state": state, "checked_at": timezone.now(), "last_ok": last_ok},
    )
    refresh_problem_links()


def test_a_broken_link_is_marked_with_the_archived_copy(client, linked_project):
    last_ok = datetime.datetime(2024, 3, 5, 6, 7, 8, tzinfo=datetime.UTC)
    mark("http://www.alfaclu.de", State.BROKEN, last_ok)
    page = client.get(linked_project.get_absolute_url()).content.decode()
    assert "Link nicht mehr erreichbar (geprüft am" in page
    assert 'href="https://web.archive.org/web/20240305060708/http://www.alfaclu.de"' in page
    with translation.override("en"):
        english = client.get(linked_project.get_absolute_url())
    assert "Link no longer reachable (checked on" in english.content.decode()


def test_an_unreachable_link_without_a_working_date_has_no_archive_link(client, linked_project):
    mark("http://www.alfaclu.de", State.UNREACHABLE)
    page = client.get(linked_project.get_absolute_url()).content.decode()
    assert "Link nicht mehr erreichbar" in page
    assert "web.archive.org" not in page


def test_a_working_or_moved_link_is_not_marked(client, linked_project):
    mark("http://www.alfaclu.de", State.MOVED, timezone.now())
    page = client.get(linked_project.get_absolute_url()).content.decode()
    assert 'href="http://www.alfaclu.de"' in page
    assert "nicht mehr erreichbar" not in page
    assert "web.archive.org" not in page


def test_a_cache_that_is_down_still_marks_the_link(client, linked_project):
    mark("http://www.alfaclu.de", State.BROKEN, timezone.now())
    down = mock.Mock(
        **{
            name: mock.Mock(side_effect=ConnectionError("down"))
            for name in ("get", "set", "delete")
        }
    )
    with mock.patch("linkchecks.checks.cache", down):
        response = client.get(linked_project.get_absolute_url())
    assert response.status_code == 200
    assert "Link nicht mehr erreichbar" in response.content.decode()


def test_marking_links_adds_no_query_to_the_project_page(client, linked_project):
    url = linked_project.get_absolute_url()
    client.get(url)  # the mapping is read once per cache lifetime, not per page
    with CaptureQueriesContext(connection) as unmarked:
        client.get(url)
    mark("http://www.alfaclu.de", State.BROKEN, timezone.now())
    for n in range(3):
        ProjectLink.objects.create(project=linked_project, label=f"L{n}", url=f"https://x{n}.de")
        mark(f"https://x{n}.de", State.BROKEN, timezone.now())
    with CaptureQueriesContext(connection) as marked:
        response = client.get(url)
    assert response.content.decode().count("Link nicht mehr erreichbar") == 4
    assert len(marked) == len(unmarked)


# -- What editors see -------------------------------------------------------------------


def test_the_admin_lists_and_filters_states(admin_client, db):
    mark("https://kaputt.example/", State.BROKEN)
    mark("https://gut.example/", State.WORKING, timezone.now())
    changelist = reverse("admin:linkchecks_linkcheck_changelist")
    page = admin_client.get(changelist, {"state__exact": "broken"}).content.decode()
    assert "https://kaputt.example/" in page
    assert "https://gut.example/" not in page
    moved = LinkCheck.objects.create(
        url="https://alt.example/",
        state=State.MOVED,
        new_url="https://neu.example/",
        redirects=[{"status": 301, "url": "https://neu.example/"}],
        checked_at=timezone.now(),
    )
    page = admin_client.get(reverse("admin:linkchecks_linkcheck_change", args=[moved.pk]))
    assert "301 → https://neu.example/" in page.content.decode()


def test_the_start_page_counts_broken_and_moved_addresses(admin_client, db):
    for n in range(2):
        mark(f"https://kaputt{n}.example/", State.BROKEN)
    mark("https://weg.example/", State.UNREACHABLE)
    LinkCheck.objects.create(
        url="https://alt.example/",
        state=State.MOVED,
        new_url="https://neu.example/",
        checked_at=timezone.now(),
    )
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "<strong>2</strong> Links sind defekt" in page
    assert "<strong>1</strong> Link ist nicht erreichbar" in page
    assert "<strong>1</strong> Link ist dauerhaft umgezogen" in page


def test_the_admin_action_takes_the_new_address_everywhere(admin_client, archive):
    import reversion
    from reversion.models import Version

    old, new = "http://www.alfaclu.de", "https://www.alfaclu.de/start"
    link = ProjectLink.objects.get(url=old)
    project = link.project
    project.description_de = f"Mehr unter {old}. Und {old}/unterseite bleibt."
    with reversion.create_revision():
        project.save()
    interview = Interview.objects.first()
    interview.url = old
    interview.save()
    check = LinkCheck.objects.create(
        url=old, state=State.MOVED, new_url=new, status=200, checked_at=timezone.now()
    )
    broken = LinkCheck.objects.create(
        url="https://x.example/", state=State.BROKEN, checked_at=timezone.now()
    )
    versions = Version.objects.get_for_object(project).count()
    interview_versions = Version.objects.get_for_object(interview.project).count()
    response = admin_client.post(
        reverse("admin:linkchecks_linkcheck_changelist"),
        {"action": "take_new_address", "_selected_action": [check.pk, broken.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "steht jetzt in 3 Einträgen" in page
    assert "1 ausgewählte Adresse ist nicht dauerhaft umgezogen" in page
    link.refresh_from_db()
    interview.refresh_from_db()
    project.refresh_from_db()
    assert link.url == new
    assert interview.url == new
    assert project.description_de == f"Mehr unter {new}. Und {old}/unterseite bleibt."
    assert Version.objects.get_for_object(project).count() == versions + 1
    latest = Version.objects.get_for_object(project).first()
    assert latest.revision.user.username == "admin"
    # Only the interview changed in its project: the project's history shows it all the same.
    assert interview.project != project
    assert Version.objects.get_for_object(interview.project).count() == interview_versions + 1
    check.refresh_from_db()
    assert (check.url, check.state, check.new_url) == (new, State.WORKING, "")
    broken.refresh_from_db()
    assert broken.url == "https://x.example/"


def test_an_address_shown_only_as_an_identifier_is_left_to_the_editor(admin_client, archive):
    check = LinkCheck.objects.create(
        url="https://ror.org/04pz7b180",
        state=State.MOVED,
        new_url="https://ror.org/04pz7b180/neu",
        checked_at=timezone.now(),
    )
    response = admin_client.post(
        reverse("admin:linkchecks_linkcheck_changelist"),
        {"action": "take_new_address", "_selected_action": [check.pk]},
        follow=True,
    )
    assert "bitte von Hand ändern" in response.content.decode()
    check.refresh_from_db()
    assert (check.url, check.state) == ("https://ror.org/04pz7b180", State.MOVED)
    assert Organisation.objects.filter(ror_id="https://ror.org/04pz7b180").exists()
