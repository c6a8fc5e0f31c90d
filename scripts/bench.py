"""Benchmark at scale, on SQLite and PostgreSQL: ``make bench`` (or ``scripts/bench.py``).

Issue 19's goals, measured side by side in one run and printed; it asserts nothing.

**Archives.** For each engine (``BENCH_ENGINES``, default ``sqlite,postgresql``) three, in
a temporary folder (the developer's database and media stay untouched): the real five
projects (``migrate``, ``load_archive``), and two copies of them grown by ``generate`` to
500 projects (the real five copied 99 times) and to ``BENCH_PROJECTS`` (default 10,000:
1,999 times), copying everything that hangs off a project (people, fundings, links,
roles, report series, reports, interviews) with ``bulk_create``; organisations and kinds
of role are shared, so one funder ends up with thousands of fundings, and the copied
reports share the real PDFs. SQLite: one file per archive, copied with SQLite's backup
API. PostgreSQL: a throwaway PostgreSQL 15 cluster on 127.0.0.1 in the temporary folder
(``nginx_stack.Postgres``, as CI starts one), one database per archive copied from the
real five's (``createdb --template``), stopped at the end, also on failure.

**Caches.** Each leg as it is run: SQLite with the default cache, each process's own
memory (``make run``'s setup and a single-server site's), so a cache hit reads the
content version from the database file (``PAGE_CACHE_VERSION_SECONDS`` is 0 then);
PostgreSQL with Redis, as operators run it beside PostgreSQL (docs/deployment.md,
"Cache"): a throwaway ``redis-server`` on 127.0.0.1 in the temporary folder
(``nginx_stack.Redis``, as ``make faults`` starts one), one Redis database per archive
(each keeps its own content version), stopped at the end; ``PAGE_CACHE_VERSION_SECONDS``
is the settings' default with Redis, 5 s (any value in the environment is dropped), so
a hit asks no database. ``--postgres-cache locmem`` runs the PostgreSQL leg with each
process's memory instead, as before: every hit then reads the version from PostgreSQL
(and Django's connection health check adds a ``SELECT 1``). After
``generate``, ``BENCH_AFTER_GENERATE`` (default ``rebuild_search_index``: bulk_create
sends no signals); on PostgreSQL then ``VACUUM ANALYZE``, which an archive at rest has had
from autovacuum (run now, it does not start in the middle of a measurement). Then
``manage.py write_open_data`` writes each archive's open-data files, as operators run it.

**Measured.** For every archive, gunicorn (``gunicorn.conf.py``, 2 workers, DEBUG off,
WhiteNoise) on a free loopback port serves every page type, measured with wrk
(``Accept-Encoding: br, gzip``); all archives' servers (both engines, every size) run at
once and take turns page by page, so that a change in the machine's load falls on all:

* first requests: at the largest size, each page type's first request to a freshly
  started server (the page cache on and empty, as after a deployment), one server each;
* uncached: ``DJANGO_PAGE_CACHE=0``, every request rendered, 16 connections; ratios
  largest ÷ 500 for every page type, largest ÷ the real five for the project, person and
  organisation pages;
* cached: the page cache answers, 64 connections, against the ceiling of the same stack
  (the stylesheet served by WhiteNoise, the better of a run before and after the pages);
* the peak RSS of the gunicorn workers, sampled from /proc during the runs;
* errors: socket errors, timeouts and answers other than 2xx/3xx.

A page that takes longer than ``--slow`` seconds is not given to wrk (its queue would
outlast the run): two concurrent requests measure it instead (``probe`` in the tables).
Then, optionally, the uncached project page of the real five on SQLite side by side with
the same page of a baseline commit (``BENCH_BASELINE``, a git revision, extracted with
``git archive``, run with the same virtual environment); then the site through nginx
(``bench_nginx.py``: its micro-cache against the same HTML as a file); the code's size in
lines. Last, a table of issue 19's goals with each engine's figure and met / not met.

Environment: ``BENCH_DURATION`` (seconds per wrk run, default 5), ``BENCH_PROJECTS``
(10000; 500 or fewer leaves out the larger sizes, 5 measures the real archive only),
``BENCH_ENGINES`` (``sqlite,postgresql``), ``BENCH_BASELINE`` (default ``none``),
``BENCH_AFTER_GENERATE`` (a management command run on each grown copy).

Parts: ``--only first,uncached,cached,nginx`` (any of them, comma-separated; default
all) measures only those after building the archives, and the report and the goals
table show only theirs: ``--only cached`` is the cached pages against the ceiling
(about 17 minutes at the defaults, 8 of them building the archives); the peak RSS
goal needs both ``uncached`` and ``cached``. The baseline runs when ``BENCH_BASELINE``
names one, whatever the parts.
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ACCEPT_ENCODING = "br, gzip"
UNCACHED_CONNECTIONS = 16
CACHED_CONNECTIONS = 64
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# What --only chooses from: the measurements after the archives are built.
PARTS = ("first", "uncached", "cached", "nginx")
# Issue 19: growth is measured from about 500 projects (every list's page full) to the
# largest size; 500 is the real five copied 99 times, as the largest is copied 1,999 times.
MIDDLE_SIZE = 500
# Content that is copied to grow the archive: every concrete model of these apps except
# the shared ones (a few funders fund many projects; kinds of role are a fixed list).
COPIED_APPS = ("projects", "people", "reports")
SHARED_MODELS = {"projects.organisation", "people.rolekind"}
# The issue's search queries: a word of the projects' texts and a person's name.
SEARCH_WORD = "Resilienz"
SEARCH_NAME = "Wulfsberg"


# -- Run inside Django (subprocesses with the archive's environment) ------------------------


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterspace.settings")
    import django

    django.setup()


def copy_plan(model, copied):
    """How each concrete field of ``model`` changes in copy ``k``: a list of
    ``(attname, kind)``, kind ``"keep"``, ``"suffix"`` (``"suffix-text"``: unless empty)
    or the label of the copied model whose key it holds; None if it cannot be copied."""
    from django.db import models

    opts = model._meta
    together = [
        *(c.fields for c in opts.constraints if isinstance(c, models.UniqueConstraint)),
        *opts.unique_together,
    ]
    # Fields unique together with no key of a copied row (which differs in every copy).
    unique_alone = {
        name
        for names in together
        if not any(opts.get_field(name).is_relation for name in names)
        for name in names
    }
    plan = []
    for field in opts.concrete_fields:
        related = field.related_model._meta.label_lower if field.is_relation else None
        unique = field.unique or field.name in unique_alone
        if related in copied:
            if field.target_field != field.related_model._meta.pk:
                return None
            plan.append((field.attname, related))
        elif field.primary_key:
            if field.get_internal_type() not in ("AutoField", "BigAutoField", "IntegerField"):
                return None
            plan.append((field.attname, opts.label_lower))
        elif unique and isinstance(field, models.CharField):
            plan.append((field.attname, "suffix" if field.unique else "suffix-text"))
        elif unique:
            return None
        else:
            plan.append((field.attname, "keep"))
    return plan


def generate(total_projects, batch_size=2000):
    """Grow the archive to ``total_projects`` by copying its content with bulk_create."""
    setup_django()
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    started = time.monotonic()
    project_model = apps.get_model("projects", "Project")
    originals = project_model._meta.base_manager.count()
    copies = max(0, -(-total_projects // originals) - 1)
    models = [
        model
        for label in COPIED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.label_lower not in SHARED_MODELS and not model._meta.proxy
    ]
    copied = {model._meta.label_lower for model in models}
    plans = {}
    # A model that refers to one that cannot be copied cannot be copied either.
    changed = True
    while changed:
        changed = False
        for model in models:
            label = model._meta.label_lower
            if label in copied and copy_plan(model, copied) is None:
                copied.discard(label)
                changed = True
    for model in models:
        if model._meta.label_lower in copied:
            plans[model] = copy_plan(model, copied)
        else:
            print(f"  {model._meta.label}: not copied (a unique field that is not text)")
    # Copy k of a row with key p gets the key p + k * span: no clash, no lookups.
    spans = {
        model._meta.label_lower: (
            max(model._meta.base_manager.values_list("pk", flat=True), default=0) + 1
        )
        for model in plans
    }
    print(f"bench: {originals} projects, {copies:,} copies of them …", flush=True)
    # SQLite and PostgreSQL (Django's constraints are deferred) check foreign keys at the
    # commit: the order of the models does not matter.
    # No server has run on this copy yet: no cached page to forget, no version to raise.
    with transaction.atomic():
        for model, plan in plans.items():
            names = [attname for attname, _kind in plan]
            rows = list(model._meta.base_manager.order_by("pk").values_list(*names))
            if not rows:
                continue

            def objects(rows=rows, plan=plan, model=model):
                for k in range(1, copies + 1):
                    for row in rows:
                        values = {}
                        for value, (attname, kind) in zip(row, plan, strict=True):
                            if kind == "keep" or value is None:
                                values[attname] = value
                            elif kind == "suffix" or (kind == "suffix-text" and value):
                                values[attname] = suffixed(model, attname, value, k)
                            elif kind == "suffix-text":
                                values[attname] = value  # "" is left out of the constraint
                            else:
                                values[attname] = value + k * spans[kind]
                        yield model(**values)

            written = 0
            batch = []
            for obj in objects():
                batch.append(obj)
                if len(batch) == batch_size:
                    model._meta.base_manager.bulk_create(batch)
                    written += len(batch)
                    batch = []
                    if written % 20_000 == 0:
                        print(f"  {model._meta.label}: {written:,} …", flush=True)
            model._meta.base_manager.bulk_create(batch)
            written += len(batch)
            print(f"  {model._meta.label}: {len(rows)} rows, {written:,} copies", flush=True)
        # The copies' keys were given, not drawn: PostgreSQL's sequences move past them,
        # so that a row added later gets a free key (SQLite needs nothing).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(plans)):
                cursor.execute(sql)
    print(
        f"bench: {project_model._meta.base_manager.count():,} projects "
        f"in {time.monotonic() - started:.0f} s",
        flush=True,
    )


def suffixed(model, attname, value, k):
    """A unique text made unique again in copy ``k``, within the field's length."""
    suffix = f"-{k}"
    max_length = model._meta.get_field(attname).max_length or len(value) + len(suffix)
    return value[: max_length - len(suffix)] + suffix


def pages_to_measure():
    """``(name, address)`` of the page types measured, in German (Django set up): the
    first published project, the person with the most roles and the organisation with
    the most fundings, which exist at every size (the copies keep the originals)."""
    from django.apps import apps
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation
    from django.utils.http import urlencode

    from people.views import initial_url

    def model(label):
        return apps.get_model(label)._meta.base_manager

    def most(label, field):
        rows = model(label).filter(**{f"{field}__isnull": False}).values(field)
        top = rows.annotate(n=Count("pk")).order_by("-n", field).first()
        return top[field]

    translation.activate("de")
    project = model("projects.Project").filter(published=True).order_by("position", "pk")[0]
    person = model("people.Person").get(pk=most("people.Role", "person"))
    organisation = model("projects.Organisation").get(pk=most("projects.Funding", "organisation"))
    wanted = [
        ("home", "projects:index", ""),
        ("projects overview", "projects:list", ""),
        ("project filter", "projects:list", "?" + urlencode({"funder": organisation.slug})),
        ("project page", None, project.get_absolute_url()),
        ("people index", "people:index", ""),
        # Its letter: the whole index at 5 projects, a letter's first page when grown.
        ("people index: a letter", None, initial_url(person.index_entry.initial)),
        ("person page", None, person.get_absolute_url()),
        ("organisations list", "projects:organisations", ""),
        ("organisation page", None, organisation.get_absolute_url()),
        ("reports list", "reports:list", ""),
        ("search: a word", "search:search", "?" + urlencode({"q": SEARCH_WORD})),
        ("search: a name", "search:search", "?" + urlencode({"q": SEARCH_NAME})),
        ("open data JSON", "opendata:json", ""),
    ]
    pages = []
    for name, view, rest in wanted:
        try:
            pages.append((name, (reverse(view) if view else "") + rest))
        except NoReverseMatch:
            print(f"bench: no address for {name} ({view}); left out", file=sys.stderr)
    return pages


def search_matches(client, path):
    """How many matches the search page at ``path`` reports (its template's ``total``), or
    None if it does not say; the figure only chooses the search's goal."""
    response = client.get(path)
    context = response.context
    total = context.get("total") if context is not None else None
    if not isinstance(total, int):
        print(f"bench: {path}: the number of matches not found in the page", file=sys.stderr)
        return None
    return total


def describe():
    """The pages, the archive's size and the matches of each search, as JSON on stdout."""
    setup_django()
    from django.apps import apps
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import resolve

    # Responses then carry their template's context; the page counts as visitors see it.
    setup_test_environment()
    client = Client()
    counts = {
        label: apps.get_model(label)._meta.base_manager.count()
        for label in ("projects.Project", "people.Person", "reports.AnnualReport")
    }
    from django.conf import settings

    pages = pages_to_measure()
    cache = {
        "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "version seconds": settings.PAGE_CACHE_VERSION_SECONDS,
    }
    matches = {
        name: search_matches(client, path)
        for name, path in pages
        if resolve(urllib.parse.urlsplit(path).path).view_name == "search:search"
    }
    print(json.dumps({"pages": pages, "counts": counts, "matches": matches, "cache": cache}))


def settle():
    """PostgreSQL: ``VACUUM ANALYZE``, as autovacuum leaves an archive at rest (fresh
    statistics, the visibility map set); SQLite: nothing, as in production."""
    setup_django()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# -- Processes, servers, measurements -------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, env, cwd=BASE_DIR, timeout=900, echo=False):
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=not echo, text=True, timeout=timeout
    )
    if result.returncode != 0:
        sys.stderr.write((result.stdout or "") + (result.stderr or ""))
        raise SystemExit(f"bench: failed: {shlex.join(map(str, command))}")
    return result.stdout


def manage(env, *args, cwd=BASE_DIR, **kwargs):
    return run([PYTHON, "manage.py", *args], env, cwd=cwd, **kwargs)


def write_open_data(env, name):
    """The open-data files, as the operators' timer writes them (deploy/systemd/)."""
    started = time.monotonic()
    manage(env, "write_open_data", "--base-url", "http://127.0.0.1", "--verbosity", "0")
    say(f"{name}: open data written in {time.monotonic() - started:.1f} s")


def copy_database(source, target):
    """A consistent copy of an SQLite database, by SQLite's backup API."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


class RssSampler(threading.Thread):
    """The largest resident set of any gunicorn worker (children of the master), in MB,
    read from /proc every 0.2 s: overall and since the last ``window()``."""

    def __init__(self, master_pid):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.peak = 0.0
        self.window_peak = 0.0
        self.stopped = threading.Event()

    def workers(self):
        path = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        try:
            return path.read_text().split()
        except OSError:
            return []

    @staticmethod
    def rss_mb(pid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            pass
        return 0.0

    def run(self):
        while not self.stopped.wait(0.2):
            largest = max((self.rss_mb(pid) for pid in self.workers()), default=0.0)
            self.peak = max(self.peak, largest)
            self.window_peak = max(self.window_peak, largest)

    def window(self):
        """The peak since the last call, and a new window."""
        peak, self.window_peak = self.window_peak, 0.0
        return peak


class Server:
    """gunicorn with the tree's gunicorn.conf.py on 127.0.0.1:<free port>, its workers'
    memory sampled; stopped on leaving the ``with`` block, also on failure."""

    def __init__(self, env, log_path, cwd=BASE_DIR):
        self.port = free_port()
        self.env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.log_path = log_path
        self.cwd = cwd
        self.process = None
        self.rss = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log = open(self.log_path, "ab")  # closed in __exit__
        gunicorn = Path(PYTHON).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py"],
            cwd=self.cwd,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.close()
                raise SystemExit(f"bench: gunicorn stopped at start; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        self.rss = RssSampler(self.process.pid)
                        self.rss.start()
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"bench: gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.rss:
            self.rss.stopped.set()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def idle(self, timeout=180):
        """Wait until both workers have taken everything queued before (wrk leaves
        requests behind that the workers still render)."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda _n: fetch(self.base + "/healthz", timeout), range(2)))


def fetch(url, timeout):
    """(status or None, bytes, seconds) of one GET."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return response.status, len(body), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, 0, time.monotonic() - started
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        # Refused, timed out, or cut off (a worker stopped at its timeout mid-answer).
        return None, 0, time.monotonic() - started


def concurrent(url, requests, timeout):
    with ThreadPoolExecutor(max_workers=2) as pool:
        started = time.monotonic()
        results = list(pool.map(lambda _n: fetch(url, timeout), range(requests)))
        return results, time.monotonic() - started


def wrk(url, connections, duration):
    """requests/s, p50 ms, p99 ms, errors of one wrk run."""
    import re

    output = subprocess.run(
        [
            *("wrk", "--threads", "2", "--connections", str(connections)),
            *("--duration", f"{duration}s", "--timeout", "10s", "--latency"),
            *("--header", f"Accept-Encoding: {ACCEPT_ENCODING}", url),
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
    ).stdout
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}

    def ms(pattern):
        found = re.search(pattern, output, re.M)
        value = found and re.fullmatch(r"([\d.]+)(us|ms|s|m)", found.group(1))
        return float(value.group(1)) * units[value.group(2)] if value else float("nan")

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return {
        "rate": float(rate.group(1)) if rate else 0.0,
        "p50": ms(r"^\s+50%\s+(\S+)"),
        "p99": ms(r"^\s+99%\s+(\S+)"),
        "errors": errors,
        "how": "wrk",
    }


def measure(server, path, connections, options, cached=False):
    """One page on one server. Two concurrent requests load it in both workers (and fill
    their page cache), two more show its warm speed; wrk if they took less than ``slow``
    seconds, else the rate of those two (``probe``). Uncached, a page that takes five
    times that in the first two is not asked again."""
    url = server.base + path
    size = 0
    for attempt in (1, 2):
        results, elapsed = concurrent(url, 2, options["timeout"])
        good = [r for r in results if r[0] is not None and r[0] < 400]
        size = max([size, *(r[1] for r in results)])
        slowest = max(r[2] for r in results)
        limit = options["slow"]
        if attempt == 1:
            # Cached, the first two fill the cache, however long they take.
            limit = float("inf") if cached else 5 * options["slow"]
        if len(good) < len(results) or slowest >= limit:
            result = {
                "rate": len(good) / elapsed if good else 0.0,
                "p50": slowest * 1000,
                "p99": slowest * 1000,
                "errors": len(results) - len(good),
                "how": "probe",
            }
            break
    else:
        concurrent(url, 6, options["timeout"])
        result = wrk(url, connections, options["duration"])
        server.idle()
    result["bytes"] = size
    result["rss"] = server.rss.window()
    return result


def stylesheet_path(static_root):
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def say(text):
    print(f"bench: {text}", flush=True)


def show(result):
    mark = " (probe: too slow for wrk)" if result["how"] == "probe" else ""
    return (
        f"{result['rate']:.1f} req/s, p50 {result['p50']:.0f} ms, {result['errors']} errors, "
        f"worker RSS {result['rss']:.0f} MB{mark}"
    )


def measure_sizes(sizes, options):
    """Every page uncached, then cached, on every archive (those of ``options["parts"]``).
    The servers of all archives run side by side and take turns page by page, so that a
    change in the machine's load falls on all alike (idle workers cost nothing)."""

    def servers(stack, extra):
        return [
            stack.enter_context(
                Server({**size["env"], **extra}, options["workdir"] / f"gunicorn-{size['key']}.log")
            )
            for size in sizes
        ]

    names = [name for name, _path in sizes[0]["pages"]]
    if "uncached" in options["parts"]:
        measure_uncached(sizes, names, servers, options)
    if "cached" in options["parts"]:
        measure_cached(sizes, names, servers, options)


def measure_uncached(sizes, names, servers, options):
    with contextlib.ExitStack() as stack:
        running = servers(stack, {"DJANGO_PAGE_CACHE": "0"})
        for name in names:
            for size, server in zip(sizes, running, strict=True):
                result = measure(server, dict(size["pages"])[name], UNCACHED_CONNECTIONS, options)
                size["uncached"][name] = result
                say(f"{size['label']}, uncached, {name}: {show(result)}")
        for size, server in zip(sizes, running, strict=True):
            size["uncached peak"] = server.rss.peak


def measure_cached(sizes, names, servers, options):
    # One collected set of static files serves every archive.
    css = stylesheet_path(sizes[0]["env"]["DJANGO_STATIC_ROOT"])
    with contextlib.ExitStack() as stack:
        running = servers(stack, {})
        ceilings = [[measure(server, css, CACHED_CONNECTIONS, options)] for server in running]
        for name in names:
            for size, server in zip(sizes, running, strict=True):
                uncached = size["uncached"].get(name)
                if uncached and uncached["errors"] and uncached["how"] == "probe":
                    # Its render outlasts the worker timeout: no answer to keep in the cache.
                    size["cached"][name] = None
                    say(f"{size['label']}, cached, {name}: not measured (no render in time)")
                    continue
                path = dict(size["pages"])[name]
                result = measure(server, path, CACHED_CONNECTIONS, options, cached=True)
                size["cached"][name] = result
                say(f"{size['label']}, cached, {name}: {show(result)}")
        for size, server, ceiling in zip(sizes, running, ceilings, strict=True):
            ceiling.append(measure(server, css, CACHED_CONNECTIONS, options))
            size["cached peak"] = server.rss.peak
            # The better of the runs before and after the pages (the machine is shared).
            size["ceiling"] = max(ceiling, key=lambda result: result["rate"])
            say(f"{size['label']}, ceiling (the stylesheet): {show(size['ceiling'])}")


def first_requests(size, options):
    """Each page type's first request to a freshly started server, one server per page
    type, the page cache on and empty (as after a deployment): {name: (status, s)}."""
    first = {}
    for name, path in size["pages"]:
        log = options["workdir"] / f"gunicorn-{size['key']}-first.log"
        if size["redis db"] is not None:
            # A shared cache outlives the server: emptied (a new release finds no page
            # of its own there either).
            options["redis"].flush(size["redis db"])
        with Server(size["env"], log) as server:
            status, _size, seconds = fetch(server.base + path, options["timeout"])
        first[name] = (status, seconds)
        say(f"{size['label']}, first request, {name}: {seconds:.3f} s, status {status}")
    return first


def prepare_baseline(revision, workdir, base_env):
    """The baseline commit's tree with its own database, media and static files; None if
    it cannot be used."""
    tree = workdir / "baseline"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision], cwd=BASE_DIR, capture_output=True
    )
    if archive.returncode != 0:
        say(f"baseline {revision!r} not found: {archive.stderr.decode().strip()}")
        return None
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    for po in tree.glob("locale/*/LC_MESSAGES/django.po"):
        subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    env = {
        **base_env,
        "PYTHONPATH": str(tree),
        "DATABASE_URL": f"sqlite:///{workdir / 'baseline.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(workdir / "media-baseline"),
        "DJANGO_STATIC_ROOT": str(workdir / "static-baseline"),
        "DJANGO_OPEN_DATA_ROOT": str(workdir / "open-data-baseline"),
    }
    # The virtual environment installs this tree in editable mode: make sure that the
    # baseline's own code is the one imported.
    where = run([PYTHON, "-c", "import projects; print(projects.__file__)"], env, cwd=tree)
    if not Path(where.strip()).resolve().is_relative_to(tree.resolve()):
        say(f"baseline: imports {where.strip()}, not its own code; left out")
        return None
    manage(env, "migrate", "--noinput", "--verbosity", "0", cwd=tree)
    manage(env, "load_archive", cwd=tree)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0", cwd=tree)
    return tree, env


def compare_with_baseline(revision, size, options):
    """The uncached project page, baseline and this tree alternately, twice each."""
    workdir = options["workdir"]
    say(f"baseline {revision}: extracting, migrating, loading the archive …")
    prepared = prepare_baseline(revision, workdir, size["env"])
    if prepared is None:
        return None
    tree, baseline_env = prepared
    path = dict(size["pages"])["project page"]
    runs = {"baseline": [], "this tree": []}
    uncached = {"DJANGO_PAGE_CACHE": "0"}
    with (
        Server({**baseline_env, **uncached}, workdir / "gunicorn-baseline.log", cwd=tree) as old,
        Server({**size["env"], **uncached}, workdir / f"gunicorn-{size['key']}.log") as new,
    ):
        for _round in range(2):
            for name, server in (("baseline", old), ("this tree", new)):
                result = measure(server, path, UNCACHED_CONNECTIONS, options)
                runs[name].append(result)
                say(f"uncached project page, {name}: {show(result)}")
    return runs


# -- Code size -------------------------------------------------------------------------------


def code_size(root=BASE_DIR):
    """Lines per top-level package (Python), and the search's Python and JavaScript files
    with theirs. Left out: files under a ``migrations``, ``tests`` or ``vendor`` folder,
    test modules, and the test package."""

    def counted(path):
        parts = path.relative_to(root).parts
        test_module = path.name == "tests.py" or path.name.startswith("test_")
        return not test_module and not {"migrations", "tests", "vendor"} & set(parts)

    def lines(path):
        return len(path.read_bytes().splitlines())

    packages = {}
    for init in sorted(root.glob("*/__init__.py")):
        if init.parent.name != "tests":
            files = [path for path in init.parent.rglob("*.py") if counted(path)]
            packages[init.parent.name] = sum(lines(path) for path in files)
    # The search app and its glue in the static files (the static export's search).
    search_files = sorted(
        {
            *root.glob("search/**/*.py"),
            *root.glob("search/**/*.js"),
            *root.glob("static/**/*search*.js"),
        }
    )
    search = {str(path.relative_to(root)): lines(path) for path in search_files if counted(path)}
    return packages, search


# -- The report ------------------------------------------------------------------------------

GROWTH_GOAL = 0.8  # uncached, largest ÷ 500 (every page type) and ÷ 5 (three pages)
GROWING_SEARCH_GOAL = 0.5  # a search whose matches grow with the archive ranks them all
AGAINST_REAL_FIVE = ("project page", "person page", "organisation page")
FIRST_REQUEST_GOAL = 1.0  # seconds, at the largest size
CEILING_GOAL = 0.9
RSS_GOAL = 1.5
NGINX_GOAL = 0.9
CONFIGURATION_LINES = 1_200  # clusterspace/, Python outside migrations
APP_LINES = 2_500
SEARCH_LINES = 800
# A file, not a page: its size, and so its time, grows with the archive. Measured and
# shown; left out of the page goals.
DOWNLOADS = ("open data JSON",)


class Check(NamedTuple):
    """One figure against its goal: ``value`` at least ``limit`` (at most, if ``at_most``)."""

    what: str
    value: float
    limit: float
    at_most: bool = False

    @property
    def ok(self):
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    @property
    def margin(self):
        """Below 1: missed by that factor."""
        if self.at_most:
            return self.limit / self.value if self.value else float("inf")
        return self.value / self.limit


def ratio(new, old):
    return new / old if old else float("nan")


def rate(value):
    """requests/s with the digits that matter."""
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def roles(sizes):
    """(the real five, the 500 or None, the largest or None) of one engine's sizes."""
    real, large = sizes[0], sizes[-1]
    mid = next((s for s in sizes[1:-1] if s["projects"] == MIDDLE_SIZE), None)
    return real, mid, (large if large is not real else None)


def growth(large, reference, name):
    """Uncached requests/s at ``large`` ÷ at ``reference``."""
    return ratio(large["uncached"][name]["rate"], reference["uncached"][name]["rate"])


def search_goal(mid, large, name):
    """0.8; 0.5 for a search whose matches grow from 500 to the largest size."""
    before, after = mid["matches"].get(name), large["matches"].get(name)
    grows = before is not None and after is not None and after > before
    return GROWING_SEARCH_GOAL if grows else GROWTH_GOAL


def peak(size):
    return max(size["uncached peak"], size["cached peak"])


def page_names(sizes):
    return [name for name, _path in sizes[0]["pages"]]


def engine_checks(sizes, first, parts=PARTS):
    """{goal: [Check]} of one engine's archives, in the order of the goals table: the
    goals of the parts measured."""
    real, mid, large = roles(sizes)
    names = page_names(sizes)
    pages = [name for name in names if name not in DOWNLOADS]
    checks = {}
    if large is None:
        return checks
    searches = [name for name in pages if name in large["matches"]]
    if mid is not None and "uncached" in parts:
        checks[
            f"uncached {large['name']} ÷ {mid['name']} ≥ {GROWTH_GOAL}, page types but search"
        ] = [
            Check(name, growth(large, mid, name), GROWTH_GOAL)
            for name in pages
            if name not in searches
        ]
        checks[
            f"uncached search {large['name']} ÷ {mid['name']} ≥ {GROWTH_GOAL} "
            f"(≥ {GROWING_SEARCH_GOAL}: matches grow)"
        ] = [
            Check(name, growth(large, mid, name), search_goal(mid, large, name))
            for name in searches
        ]
    if "uncached" in parts:
        checks[f"uncached {large['name']} ÷ 5 ≥ {GROWTH_GOAL}: project, person, organisation"] = [
            Check(name, growth(large, real, name), GROWTH_GOAL) for name in AGAINST_REAL_FIVE
        ]
    if "first" in parts:
        checks[
            f"first request at {large['name']} ≤ {FIRST_REQUEST_GOAL:.0f} s, every page type"
        ] = [
            Check(
                name, seconds if status and status < 400 else float("inf"), FIRST_REQUEST_GOAL, True
            )
            for name, (status, seconds) in first.items()
            if name in pages
        ]
    if mid is not None and {"uncached", "cached"} <= set(parts):
        checks[f"peak worker RSS {large['name']} ÷ {mid['name']} ≤ {RSS_GOAL}"] = [
            Check("", ratio(peak(large), peak(mid)), RSS_GOAL, True)
        ]
    if "cached" in parts:
        checks[f"cached ≥ {CEILING_GOAL}× the ceiling, 0 errors, every size"] = [
            Check(
                f"{name} at {size['name']}",
                ratio(result["rate"], size["ceiling"]["rate"]) if not result["errors"] else 0.0,
                CEILING_GOAL,
            )
            if result
            else Check(f"{name} at {size['name']}", 0.0, CEILING_GOAL)
            for size in sizes
            for name, result in size["cached"].items()
            if name in pages
        ]
    return checks


def common_checks(nginx_rows, code):
    """{goal: [Check]} that do not depend on the engine."""
    checks = {}
    if nginx_rows:
        from bench_nginx import ratio_to_file

        checks[f"nginx micro-cache ≥ {NGINX_GOAL}× the same HTML as a file"] = [
            Check(f"{name.split(':')[0]}, {c} conns", ratio_to_file(result, file), NGINX_GOAL)
            for name, c, result, file in nginx_rows
            if name.endswith("micro-cache")
        ]
    packages, search = code
    checks[f"clusterspace/ ≤ {CONFIGURATION_LINES:,} lines of Python"] = [
        Check("", packages.get("clusterspace", 0), CONFIGURATION_LINES, True)
    ]
    checks[f"no app above {APP_LINES:,} lines of Python"] = [
        Check(name, lines, APP_LINES, True) for name, lines in packages.items()
    ]
    checks[f"search ≤ {SEARCH_LINES} lines, Python and JavaScript"] = [
        Check("", sum(search.values()), SEARCH_LINES, True)
    ]
    return checks


def cell(checks):
    """Met or not, the worst figure and what it is, how many miss the goal."""
    measured = [check for check in checks if check.value == check.value]  # not nan
    if not measured:
        return "not measured"
    worst = min(measured, key=lambda check: check.margin)
    missed = sum(not check.ok for check in measured)
    value = worst.value
    if value == float("inf"):
        figure = "no answer"
    else:
        figure = f"{value:,.0f}" if value >= 100 else f"{value:.2f}"
    what = f" {worst.what}" if worst.what else ""
    count = f" ({missed} of {len(measured)} miss)" if missed > 1 else ""
    return f"{'NOT MET' if missed else 'met':<7} {figure}{what}{count}"


def verdict(value, goal, at_most=False):
    """A ratio and ok/NO beside it, for the tables."""
    if value != value:
        return "-"
    return f"{value:.2f} {'ok' if Check('', value, goal, at_most).ok else 'NO'}"


def print_uncached(engine, sizes):
    real, mid, large = roles(sizes)
    large = large or real
    names = page_names(sizes)
    to_mid = f"÷{mid['name']}" if mid else ""
    print()
    print(
        f"Uncached (DJANGO_PAGE_CACHE=0), {ENGINES[engine]}, {UNCACHED_CONNECTIONS} connections: "
        f"requests/s per size;\n{to_mid or '÷500'}: {large['name']} ÷ {MIDDLE_SIZE:,} (goal "
        f"{GROWTH_GOAL}; {GROWING_SEARCH_GOAL} for a search whose matches grow); ÷5: "
        f"{large['name']} ÷ 5 (goal {GROWTH_GOAL}: project, person, organisation page);\n"
        f"p50 and KB at {large['name']}; errors per size"
    )
    header = (
        f"{'page':<20}"
        + "".join(f" {size['name']:>8}" for size in sizes)
        + f" {to_mid:>8} {'÷5':>8} {'p50 ms':>7} {'errors':>10} {'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    for name in names:
        cells = [
            rate(size["uncached"][name]["rate"])
            + ("*" if size["uncached"][name]["how"] == "probe" else " ")
            for size in sizes
        ]
        if mid is None:
            mid_cell = ""
        elif name in DOWNLOADS:
            mid_cell = f"{growth(large, mid, name):.2f}"
        else:
            goal = search_goal(mid, large, name) if name in large["matches"] else GROWTH_GOAL
            mid_cell = verdict(growth(large, mid, name), goal)
        real_cell = f"{growth(large, real, name):.2f}"
        if name in AGAINST_REAL_FIVE:
            real_cell = verdict(growth(large, real, name), GROWTH_GOAL)
        result = large["uncached"][name]
        errors = "/".join(str(size["uncached"][name]["errors"]) for size in sizes)
        print(
            f"{name:<20}"
            + "".join(f" {cell:>8}" for cell in cells)
            + f" {mid_cell:>8} {real_cell:>8} {result['p50']:>7.0f} {errors:>10}"
            + f" {result['bytes'] / 1024:>6.1f}"
        )
    for name in large["matches"]:
        found = ", ".join(
            f"{'?' if size['matches'].get(name) is None else format(size['matches'][name], ',')}"
            f" at {size['name']}"
            for size in sizes
        )
        print(f"   {name}: matches {found}")
    for name in DOWNLOADS:
        if name in names:
            sent = ", ".join(
                f"{size['uncached'][name]['bytes'] / 1e6:.1f} MB at {size['name']}"
                for size in sizes
            )
            print(f"   {name}: a file that grows with the archive ({sent}): no page goal")


def print_cached(sizes):
    names = page_names(sizes)
    print()
    print(
        f"Cached (the page cache answers), {CACHED_CONNECTIONS} connections: the page's "
        f"requests/s ÷ the stylesheet's from the same stack (goal {CEILING_GOAL}, 0 errors)"
    )
    header = f"{'page':<20}" + "".join(f" {size['short']:>10}" for size in sizes)
    print(header)
    print("-" * len(header))
    ceilings = "".join(f" {rate(size['ceiling']['rate']):>10}" for size in sizes)
    print(f"{'ceiling, req/s':<20}{ceilings}")
    for name in names:
        cells = []
        for size in sizes:
            result = size["cached"][name]
            if result is None:
                cells.append("-")
                continue
            if name in DOWNLOADS:
                text = f"{rate(result['rate'])}/s"
            else:
                text = verdict(ratio(result["rate"], size["ceiling"]["rate"]), CEILING_GOAL)
            cells.append(text + (f" e{result['errors']}" if result["errors"] else ""))
        print(f"{name:<20}" + "".join(f" {text:>10}" for text in cells))
    print("   -: no render within the worker timeout to keep in the cache; eN: N errors")
    print(f"   {', '.join(DOWNLOADS)}: not kept by the page cache, a file's requests/s")


def print_report(engines, options, first, baseline, nginx_rows, code):
    everything = [size for sizes in engines.values() for size in sizes]
    names = page_names(everything)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print()
    print(
        f"== make bench: gunicorn with 2 workers per archive, wrk {options['duration']} s per "
        f"run; {os.cpu_count()} CPUs shared by wrk, gunicorn and PostgreSQL, load average "
        f"{load} at the end"
    )
    for size in everything:
        counts = size["counts"]
        print(
            f"   {size['label']:>17}: {counts['projects.Project']:,} projects, "
            f"{counts['people.Person']:,} people, {counts['reports.AnnualReport']:,} reports; "
            f"built in {size['build seconds']:.0f} s"
        )
    caches = ", ".join(
        f"{ENGINES[engine]} {sizes[0]['cache']['backend']} (content version kept "
        f"{sizes[0]['cache']['version seconds']} s)"
        for engine, sizes in engines.items()
    )
    print(f"   the cache (CACHE_URL): {caches}")
    parts = options["parts"]
    if "uncached" in parts:
        print("   *: too slow for wrk (probe): the rate of two concurrent requests")
        print("   KB: an uncached answer as sent (the page cache keeps pages compressed)")
        for engine, sizes in engines.items():
            print_uncached(engine, sizes)
    if "cached" in parts:
        print_cached(everything)
    if "first" in parts:
        print_first(first, names, everything)
    if {"uncached", "cached"} <= set(parts):
        print_peaks(engines)
    print_rest(engines, options, first, baseline, nginx_rows, code)


def print_first(first, names, everything):
    print()
    print(
        f"First request at {everything[-1]['name']} projects, each page type to a freshly "
        f"started server (page cache on, empty), seconds (goal ≤ {FIRST_REQUEST_GOAL:.0f} s)"
    )
    header = f"{'page':<20}" + "".join(f" {ENGINES[engine]:>12}" for engine in first)
    print(header)
    print("-" * len(header))
    for name in names:
        cells = []
        for results in first.values():
            status, seconds = results[name]
            cells.append(f"{seconds:.3f}" + ("" if status and status < 400 else f" ({status})"))
        print(f"{name:<20}" + "".join(f" {text:>12}" for text in cells))


def print_peaks(engines):
    print()
    print(
        f"Peak RSS of a gunicorn worker, MB, uncached / cached runs "
        f"(goal: largest ÷ {MIDDLE_SIZE:,} ≤ {RSS_GOAL}):"
    )
    for engine, sizes in engines.items():
        _real, mid, large = roles(sizes)
        peaks = "   ".join(
            f"{size['name']}: {size['uncached peak']:.0f} / {size['cached peak']:.0f}"
            for size in sizes
        )
        growth_text = f"   ratio {ratio(peak(large), peak(mid)):.2f}" if mid and large else ""
        print(f"  {ENGINES[engine]:<11} {peaks}{growth_text}")


def print_rest(engines, options, first, baseline, nginx_rows, code):
    if baseline:
        print()
        print(
            f"Uncached project page, the real five on SQLite, {UNCACHED_CONNECTIONS} "
            f"connections, baseline {options['baseline']} and this tree in turn:"
        )
        old = [r["rate"] for r in baseline["baseline"]]
        new = [r["rate"] for r in baseline["this tree"]]
        errors = sum(r["errors"] for runs in baseline.values() for r in runs)
        print(f"  baseline   req/s: {', '.join(f'{r:.0f}' for r in old)}")
        print(f"  this tree  req/s: {', '.join(f'{r:.0f}' for r in new)}")
        better = ratio(max(new), max(old))
        print(f"  the better runs: this tree ÷ baseline {better:.2f}; errors {errors}")

    if nginx_rows:
        import bench_nginx

        bench_nginx.report(nginx_rows, options["duration"], options["nginx rounds"])

    packages, search = code
    print()
    print(
        "Code size, lines (files under migrations/, tests/ or vendor/ and test modules left out):"
    )
    by_size = sorted(packages.items(), key=lambda item: -item[1])
    print("  " + ", ".join(f"{name} {n:,}" for name, n in by_size))
    files = ", ".join(f"{path} {n:,}" for path, n in search.items() if n)
    print(f"  search {sum(search.values()):,}: {files}")

    per_engine = [
        engine_checks(sizes, first.get(engine, {}), options["parts"])
        for engine, sizes in engines.items()
    ]
    rows = {goal: [cell(checks[goal]) for checks in per_engine] for goal in per_engine[0]}
    common = {goal: cell(checks) for goal, checks in common_checks(nginx_rows, code).items()}
    width = max(len(goal) for goal in [*rows, *common])
    columns = [
        max([len(ENGINES[engine]), *(len(row[i]) for row in rows.values())])
        for i, engine in enumerate(engines)
    ]
    print()
    print("== Issue 19's goals: met or not, the worst figure (the tables above have the rest)")
    header = f"{'goal':<{width}}" + "".join(
        f"  {ENGINES[engine]:<{column}}" for engine, column in zip(engines, columns, strict=True)
    )
    print(header.rstrip())
    print("-" * len(header.rstrip()))
    for goal, row in rows.items():
        texts = zip(row, columns, strict=True)
        print(
            (f"{goal:<{width}}" + "".join(f"  {text:<{column}}" for text, column in texts)).rstrip()
        )
    for goal, text in common.items():
        print(f"{goal:<{width}}  {text} (either engine)")
    sys.stdout.flush()


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env_int = lambda name, default: int(os.environ.get(name) or default)  # noqa: E731
    parser.add_argument("--duration", type=int, default=env_int("BENCH_DURATION", 5))
    parser.add_argument("--projects", type=int, default=env_int("BENCH_PROJECTS", 10_000))
    parser.add_argument("--engines", default=os.environ.get("BENCH_ENGINES") or ",".join(ENGINES))
    parser.add_argument("--baseline", default=os.environ.get("BENCH_BASELINE") or "none")
    # bulk_create sends no signals: the search index is written anew for the grown copy.
    parser.add_argument(
        "--after-generate",
        default=os.environ.get("BENCH_AFTER_GENERATE", "rebuild_search_index"),
    )
    parser.add_argument("--slow", type=float, default=1.0, help="seconds; slower: no wrk")
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's worker timeout")
    parser.add_argument("--no-nginx", action="store_true", help="leave out bench_nginx.py")
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"measure only these parts, comma-separated: {', '.join(PARTS)} (default all)",
    )
    parser.add_argument(
        "--postgres-cache",
        choices=("redis", "locmem"),
        default="redis",
        help="the PostgreSQL leg's cache: Redis (as operators run it) or each process's memory",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    engines = [engine.strip() for engine in args.engines.split(",") if engine.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown or not engines:
        parser.error(f"--engines / BENCH_ENGINES: one or more of {', '.join(ENGINES)}")
    parts = [part.strip() for part in args.only.split(",") if part.strip()]
    if set(parts) - set(PARTS) or not parts:
        parser.error(f"--only: one or more of {', '.join(PARTS)}")
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk)")

    # SIGTERM (a timeout, kill) ends like Ctrl-C: every server and the cluster are stopped.
    signal.signal(signal.SIGTERM, interrupt)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="clusterspace-bench-"))
    workdir.chmod(0o755)  # PostgreSQL runs as its own user and keeps its data in here
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusterspace.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECRET_KEY_FILE": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_TIMEOUT": str(args.timeout),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    # The cache of each leg (the docstring's "Caches"), whatever the developer's setting.
    for name in (
        "DJANGO_PAGE_CACHE",
        "DJANGO_PAGE_CACHE_VERSION_SECONDS",
        "CACHE_URL",
        "DATABASE_URL",
        "PYTHONPATH",
    ):
        env.pop(name, None)
    options = {
        "workdir": workdir,
        "duration": args.duration,
        "slow": args.slow,
        "timeout": args.timeout + 5,
        "baseline": args.baseline,
        "nginx rounds": 2,
        "parts": parts,
        "redis": None,
    }
    projects = [5, *(n for n in (MIDDLE_SIZE, args.projects) if 5 < n <= args.projects)]
    projects = sorted(set(projects))
    say(f"working in {workdir}; engines {', '.join(engines)}; sizes {projects}")
    try:
        with contextlib.ExitStack() as stack:
            postgres = None
            if "postgresql" in engines:
                # One implementation of the throwaway cluster and of the Redis server: the
                # deployment check's.
                from nginx_stack import Postgres, Redis, install_missing

                with_redis = args.postgres_cache == "redis"
                install_missing(need_postgres=True, need_redis=with_redis)
                postgres = stack.enter_context(Postgres(workdir / "postgresql"))
                say(f"PostgreSQL 15 on 127.0.0.1:{postgres.port}")
                if with_redis:
                    options["redis"] = stack.enter_context(Redis(workdir / "redis"))
                    say(f"Redis on 127.0.0.1:{options['redis'].port}")
            archives = {
                engine: build_archives(
                    engine, projects, env, workdir, postgres, args.after_generate, options
                )
                for engine in engines
            }
            # Build first, measure after: the machine's load during the build falls on no
            # measurement.
            first = {}
            if "first" in parts:
                first = {
                    engine: first_requests(sizes[-1], options) for engine, sizes in archives.items()
                }
            measure_sizes([size for sizes in archives.values() for size in sizes], options)
            baseline = None
            if args.baseline.lower() != "none":
                real = archives["sqlite"][0] if "sqlite" in archives else None
                if real is None:
                    say("baseline: measured on SQLite only; left out")
                else:
                    baseline = compare_with_baseline(args.baseline, real, options)
        nginx_rows = None
        if not args.no_nginx and "nginx" in parts:
            import bench_nginx

            say("through nginx (bench_nginx.py) …")
            nginx_rows = bench_nginx.measure(args.duration, rounds=options["nginx rounds"])
        print_report(archives, options, first, baseline, nginx_rows, code_size())
        say(f"done in {(time.monotonic() - started) / 60:.1f} minutes")
    finally:
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def build_archives(engine, projects, env, workdir, postgres, after_generate, options):
    """One engine's archives, smallest first: the real five loaded, the others grown from
    copies of it. Each a dict with its environment, pages, counts and matches. On
    PostgreSQL with Redis (``options["redis"]``), each archive its own Redis database."""
    sizes = []
    for index, n in enumerate(projects):
        label = f"{ENGINES[engine]} {n:,}"
        started = time.monotonic()
        size_env = {
            **env,
            "DJANGO_MEDIA_ROOT": str(workdir / f"media-{engine}"),
            "DJANGO_OPEN_DATA_ROOT": str(workdir / f"open-data-{engine}-{n}"),
        }
        if engine == "sqlite":
            size_env["DATABASE_URL"] = f"sqlite:///{workdir / f'{engine}-{n}.sqlite3'}"
        redis_db = index if engine == "postgresql" and options["redis"] else None
        if redis_db is not None:
            size_env["CACHE_URL"] = options["redis"].url(redis_db)
        if n == 5:
            if engine == "postgresql":
                size_env["DATABASE_URL"] = postgres.create_database("size_5")
            say(f"{label}, the real archive: migrate, load_archive …")
            manage(size_env, "migrate", "--noinput", "--verbosity", "0")
            manage(size_env, "load_archive")
            if not (workdir / "static").exists():
                manage(size_env, "collectstatic", "--noinput", "--verbosity", "0")
        else:
            real = sizes[0]["env"]["DATABASE_URL"]
            if engine == "sqlite":
                copy_database(
                    real.removeprefix("sqlite:///"),
                    size_env["DATABASE_URL"].removeprefix("sqlite:///"),
                )
            else:
                size_env["DATABASE_URL"] = postgres.create_database(f"size_{n}", template="size_5")
            say(f"{label}: growing a copy of the real archive …")
            run([PYTHON, __file__, "generate", str(n)], size_env, echo=True, timeout=3600)
            if after_generate:
                step = time.monotonic()
                manage(size_env, *shlex.split(after_generate), echo=True, timeout=3600)
                say(f"{label}: {after_generate} in {time.monotonic() - step:.0f} s")
        if engine == "postgresql":
            step = time.monotonic()
            run([PYTHON, __file__, "settle"], size_env, timeout=3600)
            say(f"{label}: VACUUM ANALYZE in {time.monotonic() - step:.0f} s")
        write_open_data(size_env, label)
        info = json.loads(run([PYTHON, __file__, "describe"], size_env).splitlines()[-1])
        sizes.append(
            {
                "projects": n,
                "name": f"{n:,}",
                "key": f"{engine}-{n}",
                "label": label,
                "short": f"{'SQL' if engine == 'sqlite' else 'PG'} {n:,}",
                "env": size_env,
                "counts": info["counts"],
                "pages": [tuple(page) for page in info["pages"]],
                "matches": info["matches"],
                "cache": info["cache"],
                "redis db": redis_db,
                "uncached": {},
                "cached": {},
                "build seconds": time.monotonic() - started,
            }
        )
        counts = ", ".join(f"{k:,} {model}" for model, k in info["counts"].items())
        cache = f"{info['cache']['backend']}, version kept {info['cache']['version seconds']} s"
        say(f"{label}: {counts}; cache {cache}; built in {sizes[-1]['build seconds']:.0f} s")
    return sizes


if __name__ == "__main__":
    commands = {
        "generate": lambda: generate(int(sys.argv[2])),
        "describe": describe,
        "settle": settle,
    }
    if len(sys.argv) > 1 and sys.argv[1] in commands:
        commands[sys.argv[1]]()
    else:
        main()
