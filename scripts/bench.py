"""Benchmark at scale: ``make bench`` (or ``.venv/bin/python scripts/bench.py``).

Builds two archives in a temporary folder, each in its own SQLite file (the developer's
database and media stay untouched): the real five projects (``load_archive``), and a copy
of it grown to ``BENCH_PROJECTS`` projects (default 10,000) by copying the real five with
everything that hangs off them (people, fundings, links, roles, report series, reports,
interviews) with ``bulk_create``; the organisations and kinds of role are shared, so one
funder ends up with thousands of fundings, and the copied reports share the real PDFs.

For each size, gunicorn (``gunicorn.conf.py``, 2 workers, DEBUG off, WhiteNoise) on a free
loopback port serves every page type, measured with wrk (``Accept-Encoding: br, gzip``);
the servers of both sizes run at once and take turns page by page:

* uncached: ``DJANGO_PAGE_CACHE=0``, every request rendered, 16 connections;
* cached: the page cache answers, 64 connections, against the ceiling of the same stack
  (the stylesheet served by WhiteNoise, the better of a run before and after the pages);
* the peak RSS of the gunicorn workers, sampled from /proc during the runs;
* errors: socket errors, timeouts and answers other than 2xx/3xx.

A page that takes longer than ``--slow`` seconds is not given to wrk (its queue would
outlast the run): two concurrent requests measure it instead (``probe`` in the table).
Then the uncached project page of the real five, side by side with the same page of a
baseline commit (``BENCH_BASELINE``, extracted with ``git archive``, run with the same
virtual environment). It prints figures; it asserts nothing.

Environment: ``BENCH_DURATION`` (seconds per wrk run, default 5), ``BENCH_PROJECTS``
(10000; 5 measures the real archive only), ``BENCH_BASELINE`` (a git revision; ``none``
skips it), ``BENCH_AFTER_GENERATE`` (a management command run on the grown copy after
``bulk_create``, which sends no signals: for instance one that rebuilds a search index).

The open data is measured as operators run it: ``manage.py write_open_data`` writes the
files of each size (in its own folder, ``DJANGO_OPEN_DATA_ROOT``) before the servers
start, and the download sends them; the time the command took is printed.
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
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ACCEPT_ENCODING = "br, gzip"
# The commit before issue 12 (one read path, lists that stay small, search in the database).
DEFAULT_BASELINE = "94462b6"
UNCACHED_CONNECTIONS = 16
CACHED_CONNECTIONS = 64
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
    from django.db import transaction

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
    # SQLite checks foreign keys at the commit: the order of the models does not matter.
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


def describe():
    """The pages and the archive's size, as JSON on stdout."""
    setup_django()
    from django.apps import apps

    counts = {
        label: apps.get_model(label)._meta.base_manager.count()
        for label in ("projects.Project", "people.Person", "reports.AnnualReport")
    }
    print(json.dumps({"pages": pages_to_measure(), "counts": counts}))


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
    say(f"size {name}: open data written in {time.monotonic() - started:.1f} s")


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


def measure_sizes(sizes, pages, options):
    """Every page uncached, then cached, at every size. The sizes' servers run side by
    side and take turns page by page, so that a change in the machine's load falls on all
    sizes alike (idle workers cost nothing)."""

    def servers(stack, extra):
        return [
            stack.enter_context(
                Server(
                    {**size["env"], **extra}, options["workdir"] / f"gunicorn-{size['name']}.log"
                )
            )
            for size in sizes
        ]

    with contextlib.ExitStack() as stack:
        running = servers(stack, {"DJANGO_PAGE_CACHE": "0"})
        for name, path in pages:
            for size, server in zip(sizes, running, strict=True):
                result = measure(server, path, UNCACHED_CONNECTIONS, options)
                size["uncached"][name] = result
                say(f"{size['name']}, uncached, {name}: {show(result)}")
        for size, server in zip(sizes, running, strict=True):
            size["uncached peak"] = server.rss.peak
    css = stylesheet_path(sizes[0]["env"]["DJANGO_STATIC_ROOT"])
    with contextlib.ExitStack() as stack:
        running = servers(stack, {})
        ceilings = [[measure(server, css, CACHED_CONNECTIONS, options)] for server in running]
        for name, path in pages:
            for size, server in zip(sizes, running, strict=True):
                uncached = size["uncached"][name]
                if uncached["errors"] and uncached["how"] == "probe":
                    # Its render outlasts the worker timeout: no answer to keep in the cache.
                    size["cached"][name] = None
                    say(f"{size['name']}, cached, {name}: not measured (no render in time)")
                    continue
                result = measure(server, path, CACHED_CONNECTIONS, options, cached=True)
                size["cached"][name] = result
                say(f"{size['name']}, cached, {name}: {show(result)}")
        for size, server, ceiling in zip(sizes, running, ceilings, strict=True):
            ceiling.append(measure(server, css, CACHED_CONNECTIONS, options))
            size["cached peak"] = server.rss.peak
            # The better of the runs before and after the pages (the machine is shared).
            size["ceiling"] = max(ceiling, key=lambda result: result["rate"])
            say(f"{size['name']}, ceiling (the stylesheet): {show(size['ceiling'])}")


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


def compare_with_baseline(revision, path, env, options):
    """The uncached project page, baseline and this tree alternately, twice each."""
    workdir = options["workdir"]
    say(f"baseline {revision}: extracting, migrating, loading the archive …")
    prepared = prepare_baseline(revision, workdir, env)
    if prepared is None:
        return None
    tree, baseline_env = prepared
    runs = {"baseline": [], "this tree": []}
    uncached = {"DJANGO_PAGE_CACHE": "0"}
    with (
        Server({**baseline_env, **uncached}, workdir / "gunicorn-baseline.log", cwd=tree) as old,
        Server({**env, **uncached}, workdir / "gunicorn-5.log") as new,
    ):
        for _round in range(2):
            for name, server in (("baseline", old), ("this tree", new)):
                result = measure(server, path, UNCACHED_CONNECTIONS, options)
                runs[name].append(result)
                say(f"uncached project page, {name}: {show(result)}")
    return runs


# -- The report ------------------------------------------------------------------------------


def ratio(new, old):
    return new / old if old else float("nan")


# Issue 12's goals for the uncached ratio 10,000 / 5; every other page type: 0.5.
GROWTH_GOALS = {"project page": 0.8, "person page": 0.8, "organisation page": 0.8}
CEILING_GOAL = 0.9
RSS_GOAL = 1.5


def rate(result):
    """requests/s with the digits that matter."""
    value = result["rate"]
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def verdict(value, goal):
    return f"{value:5.2f} {'ok' if value >= goal else 'NO'}"


def print_report(sizes, pages, baseline, options):
    small, large = sizes[0], sizes[-1]
    names = [name for name, _path in pages]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    a, b = small["name"], large["name"]
    print()
    print(f"== make bench: gunicorn with 2 workers, wrk {options['duration']} s per run;")
    print(f"   {os.cpu_count()} CPUs shared by wrk and gunicorn, load average {load} at the end")
    for size in sizes:
        counts = size["counts"]
        print(
            f"   {size['name']:>6}: {counts['projects.Project']:,} projects, "
            f"{counts['people.Person']:,} people, {counts['reports.AnnualReport']:,} reports"
        )
    print("   *: too slow for wrk (probe): the rate of two concurrent requests")
    print("   KB: an uncached answer as sent (the page cache keeps pages compressed)")
    print()
    print(
        f"Uncached (DJANGO_PAGE_CACHE=0), {UNCACHED_CONNECTIONS} connections; "
        f"ratio {b} / {a}, goal 0.5 (0.8 for a project, person, organisation page)"
    )
    header = (
        f"{'page':<20} {'req/s':>9} {'req/s':>9} {'ratio':>9} {'p50 ms':>9} {'errors':>9} "
        f"{'KB':>8} {'KB':>8} {'RSS MB':>11}"
    )
    print(header)
    print(f"{'':<20} {a:>9} {b:>9} {'':>9} {b:>9} {'':>9} {a:>8} {b:>8} {'':>11}")
    print("-" * len(header))
    for name in names:
        s, g = small["uncached"][name], large["uncached"][name]
        star = "*" if g["how"] == "probe" else " "
        kb = [f"{r['bytes'] / 1024:.1f}" if r["bytes"] else "-" for r in (s, g)]
        growth = verdict(ratio(g["rate"], s["rate"]), GROWTH_GOALS.get(name, 0.5))
        print(
            f"{name:<20} {rate(s):>9} {rate(g) + star:>9} {growth:>9} {g['p50']:>9.0f} "
            f"{s['errors']:>4}/{g['errors']:<4} {kb[0]:>8} {kb[1]:>8} "
            f"{s['rss']:>5.0f}/{g['rss']:<5.0f}"
        )
    print()
    print(
        f"Cached (the page cache answers), {CACHED_CONNECTIONS} connections; x ceiling: "
        f"the stylesheet from the same stack, goal {CEILING_GOAL}, 0 errors"
    )
    header = (
        f"{'page':<20} {'req/s':>9} {'req/s':>9} {'x ceiling':>9} {'x ceiling':>9} {'errors':>9}"
    )
    print(header)
    print(f"{'':<20} {a:>9} {b:>9} {a:>9} {b:>9} {'':>9}")
    print("-" * len(header))
    for name in ["ceiling", *names]:
        if name == "ceiling":
            s, g = small["ceiling"], large["ceiling"]
            name = "static: site.css"
        else:
            s, g = small["cached"][name], large["cached"][name]
        cells = []
        for result, size in ((s, small), (g, large)):
            if result is None:  # its render outlasts the worker timeout: nothing to cache
                cells.append(("-", "-", "-"))
                continue
            star = "*" if result["how"] == "probe" else " "
            x_ceiling = verdict(ratio(result["rate"], size["ceiling"]["rate"]), CEILING_GOAL)
            cells.append((rate(result) + star, x_ceiling, result["errors"]))
        print(
            f"{name:<20} {cells[0][0]:>9} {cells[1][0]:>9} {cells[0][1]:>9} {cells[1][1]:>9} "
            f"{cells[0][2]:>4}/{cells[1][2]!s:<4}"
        )
    print("   -: not measured, no render within the worker timeout to keep in the cache")
    print()
    print(f"Peak RSS of a gunicorn worker, MB; ratio {b} / {a}, goal {RSS_GOAL} or less:")
    for mode in ("uncached", "cached"):
        s, g = small[f"{mode} peak"], large[f"{mode} peak"]
        within = "ok" if ratio(g, s) <= RSS_GOAL else "NO"
        print(f"  {mode:<9} {s:6.0f} {g:6.0f}   ratio {ratio(g, s):.2f} {within}")
    if baseline:
        print()
        print(
            f"Uncached project page, real archive, {UNCACHED_CONNECTIONS} connections, "
            f"baseline {options['baseline']} and this tree in turn:"
        )
        old = [r["rate"] for r in baseline["baseline"]]
        new = [r["rate"] for r in baseline["this tree"]]
        print(f"  baseline   req/s: {', '.join(f'{r:.0f}' for r in old)}")
        print(f"  this tree  req/s: {', '.join(f'{r:.0f}' for r in new)}")
        errors = sum(r["errors"] for runs in baseline.values() for r in runs)
        print(
            f"  the better runs: this tree / baseline {ratio(max(new), max(old)):.2f} "
            f"(goal 0.7); errors {errors}"
        )
    sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env_int = lambda name, default: int(os.environ.get(name) or default)  # noqa: E731
    parser.add_argument("--duration", type=int, default=env_int("BENCH_DURATION", 5))
    parser.add_argument("--projects", type=int, default=env_int("BENCH_PROJECTS", 10_000))
    parser.add_argument("--baseline", default=os.environ.get("BENCH_BASELINE") or DEFAULT_BASELINE)
    # bulk_create sends no signals: the search index is written anew for the grown copy.
    parser.add_argument(
        "--after-generate",
        default=os.environ.get("BENCH_AFTER_GENERATE", "rebuild_search_index"),
    )
    parser.add_argument("--slow", type=float, default=1.0, help="seconds; slower: no wrk")
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's worker timeout")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk)")
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="clusterspace-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusterspace.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECRET_KEY_FILE": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_TIMEOUT": str(args.timeout),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    # Each worker's own page cache in local memory, whatever the developer's setting.
    for name in ("DJANGO_PAGE_CACHE", "CACHE_URL", "DATABASE_URL", "PYTHONPATH"):
        env.pop(name, None)
    options = {
        "workdir": workdir,
        "duration": args.duration,
        "slow": args.slow,
        "timeout": args.timeout + 5,
        "baseline": args.baseline,
    }
    say(f"working in {workdir}")
    try:
        small_db = workdir / "size-5.sqlite3"
        small_env = {
            **env,
            "DATABASE_URL": f"sqlite:///{small_db}",
            "DJANGO_OPEN_DATA_ROOT": str(workdir / "open-data-5"),
        }
        say("the real archive: migrate, load_archive, collectstatic …")
        manage(small_env, "migrate", "--noinput", "--verbosity", "0")
        manage(small_env, "load_archive")
        manage(small_env, "collectstatic", "--noinput", "--verbosity", "0")
        write_open_data(small_env, "5")
        environments = [("5", small_env)]
        if args.projects > 5:
            large_db = workdir / f"size-{args.projects}.sqlite3"
            large_env = {
                **env,
                "DATABASE_URL": f"sqlite:///{large_db}",
                "DJANGO_OPEN_DATA_ROOT": str(workdir / f"open-data-{args.projects}"),
            }
            copy_database(small_db, large_db)
            say(f"growing a copy to {args.projects:,} projects …")
            run([PYTHON, __file__, "generate", str(args.projects)], large_env, echo=True)
            if args.after_generate:
                manage(large_env, *shlex.split(args.after_generate), echo=True)
            write_open_data(large_env, f"{args.projects:,}")
            environments.append((f"{args.projects:,}", large_env))
        sizes = []
        for name, size_env in environments:
            info = json.loads(run([PYTHON, __file__, "describe"], size_env).splitlines()[-1])
            sizes.append({"name": name, "env": size_env, "counts": info["counts"]})
            sizes[-1].update(uncached={}, cached={}, pages=info["pages"])
            counts = ", ".join(f"{n:,} {label}" for label, n in info["counts"].items())
            say(f"size {name}: {counts}")
        # The pages of the real archive, which every size keeps.
        pages = [tuple(page) for page in sizes[0]["pages"]]
        measure_sizes(sizes, pages, options)
        baseline = None
        if args.baseline.lower() != "none":
            project_path = dict(pages)["project page"]
            baseline = compare_with_baseline(args.baseline, project_path, small_env, options)
        print_report(sizes, pages, baseline, options)
        say(f"done in {(time.monotonic() - started) / 60:.1f} minutes")
    finally:
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "generate":
        generate(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "describe":
        describe()
    else:
        main()
