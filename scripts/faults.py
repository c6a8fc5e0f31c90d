"""``make faults``: the faults an operator meets, rehearsed on the production stack.

The stack of ``make deploy-check`` (scripts/nginx_stack.py: nginx with TLS, gunicorn with
2 workers, PostgreSQL 15, Redis, all on 127.0.0.1), set up the same way
(scripts/deploy_check.py: the archive, an editor, every page type in both languages).
Visitors request every page in a loop through nginx (four visitors over the pages that
were served before, one newcomer asking for a page never served: the overview with a
new query string each time), while each part fails in turn and comes back, without
restarting anything else:

* Redis stopped, and started again (empty);
* PostgreSQL stopped (``pg_ctl stop -m fast``) while an editor saves a project with its
  inline rows and a report with its PDF: both saves are held at their end by a lock
  another session keeps on the version history's table, after their rows and files were
  written, so the database goes away in the middle of them; a third save is sent while
  it is away; then started again;
* a gunicorn worker killed (SIGKILL); gunicorn starts another;
* the upload disk full: the media folder is a small tmpfs (mounted for the run, as
  root), filled up; an editor uploads a report; then the filler goes;
* PostgreSQL slow: another session holds a lock on the projects' table, so every query
  that reads it waits; the web workers' statement timeout (``DATABASE_STATEMENT_TIMEOUT``,
  1,000 ms here instead of the production 5,000 ms, to keep the run short) cancels it.

For each fault it prints the answers by status, how many were a last good copy
(``Cache-Status: …; detail=stale``), the largest answer time, the time from the part's
return until ``/healthz`` and a never-served page answer 200 again, what ``/healthz``
said during and after, and whether the database's rows (every table's count and
checksum, sessions and login records aside) and the uploaded files (names, sizes,
checksums) are the same before and after. Then the goals, met or missed; exits 1 if one
is missed. Every process it started is stopped and the tmpfs unmounted at the end.
"""

import argparse
import contextlib
import gzip
import hashlib
import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg
from bench import RssSampler
from deploy_check import Client, DeployCheck, form_fields
from nginx_stack import HOST, Stack

STATEMENT_TIMEOUT_MS = 1000
RECOVERY_GOAL = 5.0  # seconds from the part's return to answering normally
HANG = 10.0  # seconds: an answer that takes longer is a hang
STALE_GOAL = 0.99  # of the served pages' answers while PostgreSQL is away: 200
TMPFS_SIZE = "64m"
FILLER = ".faults-filler"
# Tables whose rows change without any content changing: logins, sessions, who has an
# entry open, the login throttle's records.
VOLATILE_TABLES = re.compile(r"^(django_session|axes_.*|core_editpresence)$")
UNAVAILABLE = {"de": "Das Archiv ist gerade nicht erreichbar", "en": "The archive is unavailable"}
NOT_SAVED = "Ihre Änderungen wurden nicht gespeichert"
DATABASE_AWAY = "Die Datenbank des Projektarchivs war beim Speichern nicht erreichbar"
STORAGE_FULL = "Der Speicherplatz für hochgeladene Dateien ist voll"


# -- Visitors ---------------------------------------------------------------------------------


@dataclass
class Answer:
    at: float
    kind: str  # "served": a page served before; "new": a page never served
    path: str
    status: int  # 0: no answer (connection refused or reset, timeout)
    seconds: float
    stale: bool = False
    designed: bool = False  # the app's outage page, with Retry-After


class Visitor:
    """One browser: a kept-alive https connection, gzip accepted."""

    def __init__(self, stack):
        self.context = stack.ssl_context()
        self.port = stack.ports["https"]
        self.connection = None

    def get(self, path):
        for attempt in (1, 2):
            fresh = self.connection is None
            if fresh:
                self.connection = http.client.HTTPSConnection(
                    HOST, self.port, context=self.context, timeout=2 * HANG
                )
            try:
                self.connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError):
                self.close()
                # A kept-alive connection the server closed meanwhile: a browser opens
                # another; a fresh one that fails is the answer.
                if fresh or attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            if response.getheader("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return response, body.decode("utf-8", "replace")
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def ask(visitor, kind, path):
    started = time.monotonic()
    try:
        response, text = visitor.get(path)
    except (http.client.HTTPException, OSError):
        return Answer(started, kind, path, 0, time.monotonic() - started)
    status = response.status
    language = "en" if path.startswith("/en/") else "de"
    return Answer(
        started,
        kind,
        path,
        status,
        time.monotonic() - started,
        stale="detail=stale" in ", ".join(response.headers.get_all("Cache-Status") or []),
        designed=status == 503
        and response.getheader("Retry-After") is not None
        and UNAVAILABLE[language] in text,
    )


class Crowd:
    """Four visitors over the served pages and one newcomer, each in its own thread,
    until stopped; every answer recorded."""

    def __init__(self, stack, served, visitors=4):
        self.stack = stack
        self.served = served
        self.visitors = visitors
        self.answers = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []

    def __enter__(self):
        for number in range(self.visitors):
            self.threads.append(threading.Thread(target=self.browse, args=(number,)))
        self.threads.append(threading.Thread(target=self.arrive))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def record(self, answer):
        with self.lock:
            self.answers.append(answer)

    def browse(self, number):
        visitor = Visitor(self.stack)
        position = number * len(self.served) // self.visitors
        while not self.stopping.is_set():
            self.record(ask(visitor, "served", self.served[position % len(self.served)]))
            position += 1
        visitor.close()

    def arrive(self, until=None, pause=0.05):
        visitor = Visitor(self.stack)
        until = until or self.stopping
        while not until.is_set():
            self.record(ask(visitor, "new", new_page()))
            until.wait(pause)
        visitor.close()

    @contextlib.contextmanager
    def rush(self, newcomers):
        """More newcomers, without a pause: every worker busy rendering."""
        over = threading.Event()
        threads = [
            threading.Thread(target=self.arrive, args=(over, 0.0)) for _n in range(newcomers)
        ]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            over.set()
            for thread in threads:
                thread.join()

    def between(self, start, end):
        with self.lock:
            return [answer for answer in self.answers if start <= answer.at < end]


def new_page():
    language = secrets.choice(("de", "en"))
    return f"/{language}/?besuch={secrets.token_hex(6)}"


# -- What the operator looks at ----------------------------------------------------------


def healthz(stack):
    visitor = Visitor(stack)
    try:
        response, text = visitor.get("/healthz")
    except (http.client.HTTPException, OSError) as error:
        return 0, type(error).__name__
    finally:
        visitor.close()
    return response.status, " ".join(text.split())


def recovered(stack, served):
    """Seconds until /healthz answers 200, a page never served before too, and a page
    served before comes fresh again (nginx's copy of a stale one lasts its second)."""
    started = time.monotonic()
    visitor = Visitor(stack)
    try:
        while time.monotonic() - started < 60:
            if (
                healthz(stack)[0] == 200
                and answers_fresh(visitor, new_page())
                and answers_fresh(visitor, served)
            ):
                return time.monotonic() - started
            time.sleep(0.05)
    finally:
        visitor.close()
    return float("inf")


def answers_fresh(visitor, path):
    try:
        response, _text = visitor.get(path)
    except (http.client.HTTPException, OSError):
        return False
    statuses = ", ".join(response.headers.get_all("Cache-Status") or [])
    return response.status == 200 and "detail=stale" not in statuses


@dataclass
class Snapshot:
    rows: dict
    files: dict

    def differences(self, other):
        tables = sorted(
            name
            for name in self.rows.keys() | other.rows.keys()
            if self.rows.get(name) != other.rows.get(name)
        )
        files = sorted(
            name
            for name in self.files.keys() | other.files.keys()
            if self.files.get(name) != other.files.get(name)
        )
        return tables, files


def database(stack):
    return psycopg.connect(stack.env["DATABASE_URL"])


def snapshot(stack):
    """Every table's row count and checksum (the volatile ones aside), every uploaded
    file's size and checksum."""
    rows = {}
    with database(stack) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        for (table,) in cursor.fetchall():
            if VOLATILE_TABLES.match(table):
                continue
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: E501
            )
            rows[table] = cursor.fetchone()
    files = {}
    root = stack.media_root
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_file() and name != FILLER and not name.startswith("healthz-"):
            files[name] = (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    return Snapshot(rows, files)


# -- The editor ---------------------------------------------------------------------------


class Editor:
    """The editor of scripts/deploy_check.py, logged in through nginx."""

    def __init__(self, check):
        self.check = check
        self.stack = check.stack
        self.client = check.editor
        self.info = self.stack.django(EDITOR_CODE)

    def project_save(self, marker=None, inlines=True):
        """The project's change form as a browser would send it, its German title ending
        in ``marker`` (new by default) and, with ``inlines``, a text of its first funding,
        role and interview row changed too: the rows of projects and of the apps that
        build on them are saved with it."""
        path = self.info["project_change"]
        page = self.client.get(path)
        if page.status != 200:
            raise RuntimeError(f"{path}: {page.status}")
        marker = marker or secrets.token_hex(3)
        inline = re.compile(
            r"(fundings-0-name_as_listed|roles-0-affiliation_as_listed|interviews-0-teaser)_de"
        )
        fields, changed = [], []
        for name, value in form_fields(page.text):
            if name == "title_de":
                value = f"{self.info['title_de']} {marker}"
            elif inlines and inline.fullmatch(name):
                value = f"{value} {marker}".strip()
                changed.append(name)
            fields.append((name, value))
        if inlines and not changed:
            raise RuntimeError(f"{path}: no inline row to change")
        return path, fields, []

    def report_add(self):
        """A new annual report with its PDF, for a project."""
        path = "/de/admin/reports/annualreport/add/"
        page = self.client.get(path)
        if page.status != 200:
            raise RuntimeError(f"{path}: {page.status}")
        fields = [f for f in form_fields(page.text) if f[0] not in {"year", "series", "projects"}]
        fields += [
            ("series", str(self.info["series"])),
            ("year", str(2090 + secrets.randbelow(9))),
            ("projects", str(self.info["project"])),
            ("published", "on"),
        ]
        pdf = (self.stack.media_root / self.info["pdf"]).read_bytes()
        return path, fields, [("file", "bericht.pdf", pdf)]

    def send(self, form):
        """The answer to sending ``form``; None when there was none."""
        path, fields, files = form
        try:
            return self.client.post_form(path, fields, files)
        except (http.client.HTTPException, OSError):
            return None


EDITOR_CODE = """
import json
from projects.models import Project
from reports.models import AnnualReport
project = Project.objects.published().order_by("position", "pk").first()
report = AnnualReport.objects.exclude(file="").order_by("pk").first()
print(json.dumps({
    "project": project.pk,
    "project_change": f"/de/admin/projects/project/{project.pk}/change/",
    "project_page": project.get_absolute_url(),
    "title_de": project.title_de,
    "series": report.series_id,
    "pdf": report.file.name,
}))
"""


def told(response, reason):
    """Whether the editor was told plainly that the save did not happen, and why."""
    return (
        response is not None
        and response.status in {503, 507}
        and NOT_SAVED in response.text
        and reason in response.text
    )


# -- The faults -----------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    answers: list = field(default_factory=list)
    recovery: float = 0.0
    during: tuple = (0, "")
    after: tuple = (0, "")
    tables: list = field(default_factory=list)
    files: list = field(default_factory=list)
    editor: list = field(default_factory=list)  # (what, told plainly)
    problems: list = field(default_factory=list)
    log: list = field(default_factory=list)  # nginx's lines of the errors visitors got


class Rehearsal:
    def __init__(self, stack, check, crowd, editor, mounted):
        self.mounted = mounted
        self.stack = stack
        self.check = check
        self.crowd = crowd
        self.editor = editor
        self.outcomes = []

    def fault(self, name, inject, restore, hold=6.0, after=4.0, during_fault=None):
        """Inject, hold (running ``during_fault`` first), restore; record everything."""
        print(f"faults: {name} …", flush=True)
        outcome = Outcome(name)
        before = snapshot(self.stack)
        start = time.monotonic()
        inject()
        outcome.during = healthz(self.stack)
        if during_fault is not None:
            during_fault(outcome)
        time.sleep(max(0.0, hold - (time.monotonic() - start)))
        restore()
        back = time.monotonic()
        outcome.recovery = recovered(self.stack, self.crowd.served[0])
        outcome.after = healthz(self.stack)
        time.sleep(max(0.0, after - (time.monotonic() - back)))
        outcome.answers = self.crowd.between(start, time.monotonic())
        outcome.tables, outcome.files = before.differences(snapshot(self.stack))
        outcome.log = nginx_errors(self.stack)
        self.outcomes.append(outcome)
        return outcome

    # Each fault: what may visitors get, besides a 200.

    def judge(self, outcome, served_may=(), new_may=(), stale_goal=None):
        problems = outcome.problems
        for kind, allowed in (("served", served_may), ("new", new_may)):
            wrong = Counter(
                a.status
                for a in outcome.answers
                if a.kind == kind and a.status != 200 and not (a.designed and 503 in allowed)
            )
            if wrong:
                problems.append(f"{kind} pages: {dict(wrong)}")
        if any(a.status == 500 for a in outcome.answers):
            problems.append("a 500")
        slowest = max((a.seconds for a in outcome.answers), default=0.0)
        if slowest > HANG:
            problems.append(f"an answer took {slowest:.1f} s")
        if stale_goal is not None:
            served = [a for a in outcome.answers if a.kind == "served"]
            share = sum(a.status == 200 for a in served) / max(1, len(served))
            if share < stale_goal:
                problems.append(f"served pages answered 200: {share:.1%}")
        if outcome.recovery > RECOVERY_GOAL:
            problems.append(f"recovered after {outcome.recovery:.1f} s")
        if outcome.after[0] != 200:
            problems.append(f"/healthz after: {outcome.after}")
        if outcome.tables or outcome.files:
            problems.append(f"changed: tables {outcome.tables}, files {outcome.files}")
        for what, plainly in outcome.editor:
            if not plainly:
                problems.append(f"the editor was not told that {what} failed")

    def steady(self):
        outcome = self.fault("steady", lambda: None, lambda: None, hold=4.0, after=0.0)
        self.judge(outcome)

    def redis(self):
        def during(outcome):
            # Editors work on: their start page counts without the cache.
            start = self.editor.client.get("/de/admin/")
            if start.status != 200 or "Letzte Änderungen" not in start.text:
                outcome.problems.append(f"the editors' start page answered {start.status}")

        outcome = self.fault(
            "Redis stopped, and back",
            self.stack.stop_redis,
            self.stack.start_redis,
            during_fault=during,
        )
        self.judge(outcome)

    def postgres(self):
        forms = [("a project with its inlines", self.editor.project_save()),
                 ("a report with its PDF", self.editor.report_add())]  # fmt: skip
        again = self.editor.project_save()
        results = {}
        holder = database(self.stack)

        def inject():
            # The version history is written last in a save, after its rows and files:
            # held there, each save is in the middle of its transaction when the
            # database goes.
            holder.execute("LOCK TABLE reversion_version IN ACCESS EXCLUSIVE MODE")

            def save(what, form):
                results[what] = self.editor.send(form)

            threads = [threading.Thread(target=save, args=pair) for pair in forms]
            for thread in threads:
                thread.start()
            waiting = wait_for_locks(self.stack, len(forms))
            if waiting < len(forms):
                print(f"faults: only {waiting} of {len(forms)} saves reached the lock")
            self.stack.stop_postgres()
            for thread in threads:
                thread.join(timeout=30)

        def during(outcome):
            results["a save while it is away"] = self.editor.send(again)
            for what, response in results.items():
                outcome.editor.append((what, told(response, DATABASE_AWAY)))

        outcome = self.fault(
            "PostgreSQL stopped (editors saving), and back",
            inject,
            self.stack.resume_postgres,
            hold=10.0,
            during_fault=during,
        )
        with contextlib.suppress(psycopg.Error):
            holder.close()
        self.judge(outcome, served_may={503}, new_may={503}, stale_goal=STALE_GOAL)
        designed = [a for a in outcome.answers if a.status == 503]
        if not designed:
            outcome.problems.append("no page answered with the 503 page")

    def worker(self):
        rush = self.crowd.rush(3)

        def kill():
            # While both workers render pages never served before: the killed one is in
            # the middle of an answer.
            rush.__enter__()
            time.sleep(0.5)
            workers = RssSampler(self.stack.gunicorn.pid).workers()
            os.kill(int(workers[0]), signal.SIGKILL)

        def replaced():
            deadline = time.monotonic() + 30
            while len(RssSampler(self.stack.gunicorn.pid).workers()) < self.stack.workers:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)

        try:
            outcome = self.fault("a gunicorn worker killed", kill, replaced, hold=1.5, after=5.0)
        finally:
            rush.__exit__(None, None, None)
        self.judge(outcome)

    def disk(self):
        if not self.mounted:
            outcome = Outcome("the upload disk full")
            outcome.problems.append("not rehearsed: mounting a small tmpfs needs root")
            self.outcomes.append(outcome)
            return
        form = self.editor.report_add()
        filler = self.stack.media_root / FILLER

        def fill():
            with open(filler, "wb") as out, contextlib.suppress(OSError):
                block = b"\0" * (1 << 20)
                while True:
                    out.write(block)
                    out.flush()
            # What is left after whole megabytes: a byte at a time.
            with open(filler, "ab", buffering=0) as out, contextlib.suppress(OSError):
                while True:
                    out.write(b"\0" * 4096)

        def during(outcome):
            response = self.editor.send(form)
            outcome.editor.append(("a report upload", told(response, STORAGE_FULL)))

        outcome = self.fault(
            "the upload disk full, and room again", fill, filler.unlink, during_fault=during
        )
        self.judge(outcome)

    def slow(self):
        holder = database(self.stack)

        def lock():
            holder.execute("LOCK TABLE projects_project IN ACCESS EXCLUSIVE MODE")

        outcome = self.fault(
            f"PostgreSQL slow (a lock held; statement timeout {STATEMENT_TIMEOUT_MS} ms)",
            lock,
            holder.rollback,
        )
        holder.close()
        self.judge(outcome, new_may={503})


def nginx_errors(stack, limit=50):
    """The lines of nginx's access and error logs about answers 500 and above that it
    gave visitors since the last call (for a goal missed)."""
    lines = []
    for name, pattern in (
        ("clusterspace.access.log", r'" 5\d\d \d+ .*cache='),
        ("clusterspace.error.log", r"\[error\]"),
    ):
        path = stack.nginx_dir / "logs" / name
        if not path.exists():
            continue
        with path.open(errors="replace") as log:
            log.seek(stack.log_positions.get(name, 0))
            new = log.read()
            stack.log_positions[name] = log.tell()
        lines += [line for line in new.splitlines() if re.search(pattern, line)][:limit]
    return lines


def wait_for_locks(stack, count, timeout=30):
    """How many sessions wait for a lock, once ``count`` do or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    with database(stack) as connection:
        connection.autocommit = True
        while True:
            waiting = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            ).fetchone()[0]
            if waiting >= count or time.monotonic() > deadline:
                return waiting
            time.sleep(0.05)


# -- Mounting the small upload disk -----------------------------------------------------------


def mount_small_disk(stack):
    """The media folder as a tmpfs of TMPFS_SIZE: a disk that can be filled without
    filling the machine's. Needs root (CAP_SYS_ADMIN); False if refused."""
    if os.geteuid() != 0:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=0755", "clusterspace-faults",
         str(stack.media_root)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    if result.returncode != 0:
        print(f"faults: cannot mount a tmpfs: {result.stderr.strip()}")
        return False
    # Unmounted before the folder is removed (the exit stack runs its callbacks last first).
    stack.exits.callback(subprocess.run, ["umount", "--lazy", str(stack.media_root)])
    return True


# -- Report -----------------------------------------------------------------------------------


def statuses(answers):
    counts = Counter(a.status for a in answers)
    return ", ".join(f"{status or 'none'} × {n:,}" for status, n in sorted(counts.items()))


def print_report(outcomes, took):
    print()
    print(
        f"== faults on the production stack (nginx, gunicorn with 2 workers, PostgreSQL, Redis "
        f"on {HOST}); answers from the fault until {RECOVERY_GOAL:.0f} s after its end"
    )
    for outcome in outcomes:
        served = [a for a in outcome.answers if a.kind == "served"]
        new = [a for a in outcome.answers if a.kind == "new"]
        stale = sum(a.stale for a in served)
        slowest = max((a.seconds for a in outcome.answers), default=0.0)
        print(f"-- {outcome.name}")
        if outcome.answers:
            print(f"   served pages: {statuses(served)}; last good copies: {stale:,}")
            print(
                f"   never-served pages: {statuses(new)}; "
                f"of them the 503 page with Retry-After: {sum(a.designed for a in new):,}"
            )
            slowest_path = max(outcome.answers, key=lambda a: a.seconds).path
            print(
                f"   slowest answer: {slowest:.2f} s ({slowest_path}); "
                f"recovery: {outcome.recovery:.2f} s"
            )
            odd = Counter(
                (a.path if a.kind == "served" else "(never served)", a.status)
                for a in outcome.answers
                if a.status != 200 and not a.designed
            )
            if odd:
                shown = ", ".join(
                    f"{path} {status} × {n}" for (path, status), n in odd.most_common(4)
                )
                print(f"   other answers: {shown}")
            print(f"   /healthz during: {outcome.during[0]} {outcome.during[1]!r}; "
                  f"after: {outcome.after[0]} {outcome.after[1]!r}")  # fmt: skip
            same = not outcome.tables and not outcome.files
            print(f"   rows and files before and after: {'identical' if same else 'CHANGED'}")
        for what, plainly in outcome.editor:
            print(
                f"   editor, {what}: {'told plainly it was not saved' if plainly else 'NOT TOLD'}"
            )
        verdict = "met" if not outcome.problems else "MISSED: " + "; ".join(outcome.problems)
        print(f"   goal {verdict}")
        cut_off = sum("prematurely closed" in line for line in outcome.log)
        if cut_off:
            print(f"   requests cut off by a worker's end, passed to another by nginx: {cut_off}")
        if outcome.problems:
            for line in outcome.log[:6]:
                print(f"   nginx: {line[:300]}")
    missed = [o.name for o in outcomes if o.problems]
    print(
        f"faults: {len(outcomes) - len(missed)} of {len(outcomes)} goals met in {took:.0f} s; "
        "every process stopped"
    )
    return 1 if missed else 0


FAULTS = ("steady", "redis", "postgres", "worker", "disk", "slow")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("faults", nargs="*", help=f"which of {', '.join(FAULTS)} (default: all)")
    wanted = parser.parse_args(argv).faults or FAULTS
    if set(wanted) - set(FAULTS):
        parser.error(f"unknown: {', '.join(sorted(set(wanted) - set(FAULTS)))}")
    started = time.monotonic()
    print("faults: PostgreSQL, Redis, gunicorn (2 workers), nginx on 127.0.0.1", flush=True)
    try:
        with Stack(database="postgres", cache="redis", quiet_access_log=True) as stack:
            mounted = mount_small_disk(stack)
            stack.env["TMPDIR"] = str(stack.dir / "tmp")
            (stack.dir / "tmp").mkdir()
            stack.log_positions = {}
            check = DeployCheck(stack)
            check.setup()
            stack.env["DATABASE_STATEMENT_TIMEOUT"] = str(STATEMENT_TIMEOUT_MS)
            stack.start_gunicorn()
            stack.start_nginx()
            check.check_editor_login()
            editor = Editor(check)
            served = [
                path
                for language in ("de", "en")
                for name, path in check.pages[language].items()
                if not any(word in name for word in ("download", "hidden"))
            ]
            warm = Client(stack)
            for path in served:  # served once: in both caches now
                warm.get(path)
            with Crowd(stack, served) as crowd:
                rehearsal = Rehearsal(stack, check, crowd, editor, mounted)
                for name in FAULTS:
                    if name in wanted:
                        getattr(rehearsal, name)()
    except (Exception, KeyboardInterrupt) as error:
        print(f"faults: stopped: {type(error).__name__}: {error}", flush=True)
        raise
    return print_report(rehearsal.outcomes, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
