"""Benchmark of the production stack: ``make bench`` (or ``.venv/bin/python scripts/bench.py``).

Runs gunicorn (gunicorn.conf.py, 2 workers, DEBUG off, WhiteNoise) on a free loopback
port against a copy of the database in a temporary folder: first with the real content
plus generated data (500 projects, 2,000 people, 1,000 reports), then with the real
content alone (the source's five projects). For each page it measures with wrk (Debian's
package) at 16 and 64 connections, sending ``Accept-Encoding: br, gzip`` like a browser:

* requests/s, p50 and p99 latency, errors (socket errors and non-2xx/3xx answers);
* bytes per page as transferred (compressed);
* queries per page: a full render, and an answer from the page cache;
* each page's ratio to the ceiling: the stylesheet served by WhiteNoise from the same
  stack (measured before and after the pages; the better run counts, as the machine
  may be shared). The overview and the project page are also compared with the same
  HTML served as a static file, measured right before each of them.

Pages are measured as served (``cached``: the page cache answers) and, at 16
connections, rendered on every request (``render``: ``DJANGO_PAGE_CACHE=0``). It prints;
it asserts nothing. Nothing outside the temporary folder is changed.

Options: ``--duration`` seconds per run (default 5), ``--connections`` (16,64),
``--sizes`` (500,5 projects), ``--keep`` to keep the temporary folder.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ACCEPT_ENCODING = "br, gzip"
# Pages also measured as a static file of the same HTML (the goal's yardstick).
STATIC_COPIES = ("overview", "project page")


# -- Helpers run inside Django (subprocesses with the copy's environment) -----------------


def _django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterspace.settings")
    import django

    django.setup()


def generate(total_projects, people, reports):
    """Add generated, published content in bulk: projects up to ``total_projects`` in all,
    ``people`` people and ``reports`` reports, with fundings, roles and interviews.
    """
    _django()
    from django.db import transaction

    from clusterspace.cache import bump_content_version
    from people.models import Person, Role, RoleKind
    from projects.models import Funding, Organisation, Project
    from reports.models import AnnualReport, Interview, ReportSeries

    words_de = [
        *("Cluster", "Kooperation", "Region", "Wissen", "Netzwerk", "Luftfahrt", "Hafen"),
        *("Logistik", "Innovation", "Forschung", "Transfer", "Akteure", "Organisation"),
        *("Strategie", "Lernen", "Wandel", "Zukunft", "Hamburg"),
    ]
    words_en = [
        *("cluster", "cooperation", "region", "knowledge", "network", "aviation", "port"),
        *("logistics", "innovation", "research", "transfer", "actors", "organisation"),
        *("strategy", "learning", "change", "future", "Hamburg"),
    ]

    def text(words, n, seed):
        return " ".join(words[(seed * 7 + i * 3) % len(words)] for i in range(n)).capitalize()

    def translated(name, de, en):
        return {name: de, f"{name}_de": de, f"{name}_en": en}

    projects = max(0, total_projects - Project.objects.count())
    with transaction.atomic():
        kinds = list(RoleKind.objects.all()) or [
            RoleKind.objects.create(**translated("name", "Bearbeitung", "Research"), slug="bench")
        ]
        organisations = Organisation.objects.bulk_create(
            Organisation(
                **translated("name", f"Förderer {n}", f"Funder {n}"),
                **translated("short_name", f"F{n}", f"F{n}"),
                slug=f"bench-foerderer-{n}",
                **translated("description", text(words_de, 30, n), text(words_en, 30, n)),
            )
            for n in range(50)
        )
        start = 1000
        project_objects = Project.objects.bulk_create(
            Project(
                code="",
                **translated(
                    "title", f"Testprojekt {n}: {text(words_de, 5, n)}", f"Test project {n}"
                ),
                **translated("subtitle", text(words_de, 10, n), text(words_en, 10, n)),
                slug=f"bench-projekt-{n}",
                **translated(
                    "description",
                    f"{text(words_de, 80, n)}.\n\n{text(words_de, 60, n + 1)}.",
                    f"{text(words_en, 80, n)}.\n\n{text(words_en, 60, n + 1)}.",
                ),
                start_year=1995 + n % 30,
                start_month=1 + n % 12,
                end_year=1998 + n % 30,
                end_month=1 + (n * 5) % 12,
                published=True,
                position=start + n,
            )
            for n in range(projects)
        )
        Funding.objects.bulk_create(
            Funding(
                project=project,
                organisation=organisations[(n + k) % len(organisations)],
                kind="foerderer",
                **translated("name_as_listed", f"Förderer {(n + k) % 50}", f"Funder {n % 50}"),
                position=k,
            )
            for n, project in enumerate(project_objects)
            for k in range(1 + n % 2)
        )
        person_objects = Person.objects.bulk_create(
            Person(
                title_before="Dr." if n % 3 == 0 else "",
                given_name=f"Vorname{n}",
                family_name=f"Nachname{n}",
                slug=f"bench-person-{n}",
                **translated("affiliation", "Testinstitut", "Test institute"),
                group="partner",
            )
            for n in range(people)
        )
        # Every person holds a role; a project has people / projects roles or more.
        Role.objects.bulk_create(
            Role(
                project=project_objects[n % len(project_objects)],
                kind=kinds[n % len(kinds)],
                person=person,
                is_former=n % 5 == 4,
                position=n,
            )
            for n, person in enumerate(person_objects)
        )
        series = ReportSeries.objects.bulk_create(
            ReportSeries(**translated("title", f"Testreihe {n}", f"Test series {n}"), slug=f"b-{n}")
            for n in range((reports + 99) // 100)
        )
        report_objects = AnnualReport.objects.bulk_create(
            AnnualReport(
                series=series[n // 100],
                year=1990 + n % 100,
                file=f"jahresberichte/bench-{n}.pdf",
                file_size=250_000 + n,
                page_count=20 + n % 30,
                published=True,
            )
            for n in range(reports)
        )
        through = AnnualReport.projects.through
        through.objects.bulk_create(
            through(annualreport=report, project=project_objects[n % len(project_objects)])
            for n, report in enumerate(report_objects)
        )
        interviews = Interview.objects.bulk_create(
            Interview(
                project=project,
                **translated("title", f"Interview {n}", f"Interview {n}"),
                **translated("teaser", text(words_de, 25, n), text(words_en, 25, n)),
                interviewer=person_objects[n % len(person_objects)],
                published=True,
            )
            for n, project in enumerate(project_objects[::5])
        )
        given = Interview.interviewees.through
        given.objects.bulk_create(
            given(interview=interview, person=person_objects[(n + 1) % len(person_objects)])
            for n, interview in enumerate(interviews)
        )
        bump_content_version()  # bulk_create sends no signals
    # Nor does it write the search index: the generated entries go in as after an import.
    from clusterspace import search_index

    search_index.rebuild()
    print(
        f"generated {projects} projects, {people} people, {reports} reports, "
        f"{len(interviews)} interviews"
    )


def pages_to_measure():
    """``(name, address)`` of the pages measured, in German: the first published project,
    a person and a funder of it, the first report's PDF (Django set up)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    from people.models import Person
    from projects.models import Organisation, Project
    from reports.models import AnnualReport

    translation.activate("de")
    project = Project.objects.published().order_by("position", "pk").first()
    person = Person.objects.public().filter(roles__project=project).order_by("pk").first()
    organisation = Organisation.objects.filter(fundings__project=project).first()
    report = AnnualReport.objects.published().select_related("series").order_by("pk").first()
    pages = [
        ("overview", reverse("projects:index")),
        ("project page", project.get_absolute_url()),
        ("reports list", reverse("reports:list")),
        ("person page", person.get_absolute_url()),
        ("people index", reverse("people:index")),
        ("organisation", organisation.get_absolute_url()),
    ]
    with contextlib.suppress(NoReverseMatch):
        pages.append(("search", reverse("site:search") + "?q=Cluster"))
    pages.append(("report PDF", report.get_download_url()))
    return pages


def describe(host):
    """The pages to measure and their queries (full render, cache hit), as JSON on stdout."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from people.models import Person
    from projects.models import Project
    from reports.models import AnnualReport

    pages = pages_to_measure()
    client = Client()
    result = []
    for name, url in pages:
        # Counted at once: the next request clears the connection's query log.
        with override_settings(PAGE_CACHE=False), CaptureQueriesContext(connection) as render:
            response = client.get(url, HTTP_HOST=host)
        render_queries = len(render)
        client.get(url, HTTP_HOST=host)  # fills the cache
        with CaptureQueriesContext(connection) as hit:
            client.get(url, HTTP_HOST=host)
        hit_queries = len(hit)
        result.append(
            {
                "name": name,
                "url": url,
                "status": response.status_code,
                "render_queries": render_queries,
                "hit_queries": hit_queries,
                # Only HTML pages are kept in the page cache; the PDF is sent every time.
                "mode": "cached" if response["Content-Type"].startswith("text/html") else "served",
            }
        )
    counts = {
        "projects": Project.objects.count(),
        "people": Person.objects.count(),
        "reports": AnnualReport.objects.count(),
    }
    print(json.dumps({"pages": result, "counts": counts}))


# -- The orchestration ---------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, env, timeout=600):
    result = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench: failed: {' '.join(map(str, command))}")
    return result.stdout


def manage(env, *args, timeout=600):
    return run([PYTHON, "manage.py", *args], env, timeout=timeout)


def copy_database(source, target):
    """A consistent copy of an SQLite database (its WAL included), by SQLite's backup API."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def source_database():
    """The SQLite file DATABASE_URL names (default db.sqlite3), or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = BASE_DIR / "db.sqlite3"
    elif url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite://"))
    else:
        return None
    return path if path.is_file() else None


class Server:
    """gunicorn with the project's gunicorn.conf.py on 127.0.0.1:<free port>."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.log_path = log_path
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log = open(self.log_path, "ab")  # closed in __exit__
        gunicorn = Path(PYTHON).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn stopped at start; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"bench: gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def fetch(self, path, encoding=ACCEPT_ENCODING):
        request = urllib.request.Request(
            self.base + path, headers={"Accept-Encoding": encoding} if encoding else {}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def wrk(url, connections, duration):
    """requests/s, p50 ms, p99 ms, errors for one wrk run."""
    output = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{duration}s",
            "--timeout",
            "10s",
            "--latency",
            "--header",
            f"Accept-Encoding: {ACCEPT_ENCODING}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return {
        "rate": float(rate.group(1)) if rate else 0.0,
        "p50": _ms(p50.group(1)) if p50 else float("nan"),
        "p99": _ms(p99.group(1)) if p99 else float("nan"),
        "errors": errors,
    }


def warm_up(url, requests=8):
    """A few concurrent requests first, so that both workers have loaded and cached it."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(_n):
        request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            pass

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(fetch, range(requests)))


def measure(url, connections, duration):
    warm_up(url)
    return wrk(url, connections, duration)


def write_static_copy(static_root, name, body):
    """The page's HTML as a static file, with the gzip and Brotli variants WhiteNoise serves."""
    import gzip

    import brotli

    path = Path(static_root) / "bench" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    path.with_name(name + ".gz").write_bytes(gzip.compress(body, 9, mtime=0))
    path.with_name(name + ".br").write_bytes(brotli.compress(body, quality=11))


def stylesheet_path(static_root):
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def measure_size(label, workdir, base_env, options):
    """Prepare one database size, measure it, print its table."""
    env = dict(base_env)
    db = workdir / f"{label}.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{db}"
    env["DJANGO_STATIC_ROOT"] = str(workdir / f"static-{label}")
    source = source_database()
    if source is not None:
        copy_database(source, db)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_archive")  # the real content, if the source had none
    if options["projects"]:
        print(f"bench: generating data for the {label} run …", flush=True)
        run(
            [
                PYTHON,
                __file__,
                "generate",
                str(options["projects"]),
                str(options["people"]),
                str(options["reports"]),
            ],
            env,
        )
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    described = run([PYTHON, __file__, "describe", "127.0.0.1"], env)
    info = json.loads(described.strip().splitlines()[-1])
    pages = info["pages"]
    css = stylesheet_path(env["DJANGO_STATIC_ROOT"])

    log = workdir / f"gunicorn-{label}.log"
    # The overview's and the project page's HTML as static files: the goal's yardstick.
    with Server(env, log) as server:
        for page in pages:
            status, headers, body = server.fetch(page["url"])
            page["bytes"] = len(body)
            page["encoding"] = headers.get("Content-Encoding", "identity")
            page["status"] = status
            if page["name"] in STATIC_COPIES:
                _status, _headers, raw = server.fetch(page["url"], encoding="")
                page["raw_bytes"] = len(raw)
                write_static_copy(
                    env["DJANGO_STATIC_ROOT"], page["name"].replace(" ", "-") + ".html", raw
                )
        _status, _headers, css_body = server.fetch(css)
    css_bytes = len(css_body)

    rows = []  # (name, mode, connections, result, bytes, queries); ratios at the end
    connections = options["connections"]
    duration = options["duration"]
    copies = {name: f"/static/bench/{name.replace(' ', '-')}.html" for name in STATIC_COPIES}
    static_copies = {}
    with Server(env, log) as server:
        first_ceiling = {c: measure(server.base + css, c, duration) for c in connections}
        for page in pages:
            for c in connections:
                if page["name"] in copies:
                    # The same HTML as a static file, measured right before the page.
                    result = measure(server.base + copies[page["name"]], c, duration)
                    static_copies[(page["name"], c)] = result
                    rows.append((f"static: {page['name']} as file", "file", c, result, "", ""))
                result = measure(server.base + page["url"], c, duration)
                page[("cached", c)] = result
                rows.append(
                    (page["name"], page["mode"], c, result, page["bytes"], page["hit_queries"])
                )
        last_ceiling = {c: measure(server.base + css, c, duration) for c in connections}
    # The ceiling: the better of the runs before and after the pages (the machine is shared).
    ceiling = {
        c: max(first_ceiling[c], last_ceiling[c], key=lambda result: result["rate"])
        for c in connections
    }
    for c in reversed(connections):
        rows.insert(0, ("static: site.css (ceiling)", "file", c, ceiling[c], css_bytes, ""))
    render_connections = connections[:1]
    with Server({**env, "DJANGO_PAGE_CACHE": "0"}, log) as server:
        for page in pages:
            for c in render_connections:
                result = measure(server.base + page["url"], c, duration)
                rows.append(
                    (page["name"], "render", c, result, page["bytes"], page["render_queries"])
                )

    counts = info["counts"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print()
    print(
        f"== {counts['projects']:,} projects, {counts['people']:,} people, "
        f"{counts['reports']:,} reports: gunicorn with 2 workers, wrk {duration} s per row, "
        f"Accept-Encoding: {ACCEPT_ENCODING}"
    )
    print(
        f"   {os.cpu_count()} CPUs shared by wrk and gunicorn; load average {load} at the end;"
        " cached: the page cache answers (served: the PDF view, not cached);"
        " render: DJANGO_PAGE_CACHE=0, rendered every time"
    )
    header = (
        f"{'page':<28} {'mode':<6} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'bytes':>7} {'queries':>7} {'x ceiling':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, mode, c, result, size, queries in rows:
        ratio = _ratio(result, ceiling[c])
        print(
            f"{name:<28} {mode:<6} {c:>5} {result['rate']:>8.0f} {result['p50']:>8.2f} "
            f"{result['p99']:>8.2f} {result['errors']:>6} {size!s:>7} {queries!s:>7} "
            f"{ratio:>9.2f}"
        )
    project = next(p for p in pages if p["name"] == "project page")
    print(
        f"project page + stylesheet: {project['bytes'] + css_bytes:,} bytes compressed "
        f"({project['bytes']:,} + {css_bytes:,}); uncompressed HTML {project['raw_bytes']:,}"
    )
    for name in STATIC_COPIES:
        page = next(p for p in pages if p["name"] == name)
        parts = []
        for c in connections:
            same = static_copies[(name, c)]["rate"]
            rate = page[("cached", c)]["rate"]
            parts.append(f"{rate / same:.2f} at {c}" if same else f"n/a at {c}")
        print(f"{name}, cached, x the same HTML as a static file: {', '.join(parts)}")
    sys.stdout.flush()


def _ratio(result, ceiling):
    return result["rate"] / ceiling["rate"] if ceiling["rate"] else 0.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 5)))
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--sizes", default="500,5", help="projects per run; 5: the source alone")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk)")
    connections = [int(c) for c in args.connections.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="clusterspace-bench-"))
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusterspace.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECRET_KEY_FILE": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    base_env.pop("DJANGO_PAGE_CACHE", None)
    media = BASE_DIR / "media"
    if media.is_dir():
        shutil.copytree(media, workdir / "media")
    print(f"bench: working in {workdir}", flush=True)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            generated = size > 5
            options = {
                "projects": size if generated else 0,
                "people": 2000 if generated else 0,
                "reports": 1000 if generated else 0,
                "connections": connections,
                "duration": args.duration,
            }
            measure_size(f"size-{size}", workdir, base_env, options)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "generate":
        generate(*(int(n) for n in sys.argv[2:5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "describe":
        describe(sys.argv[2])
    else:
        main()
