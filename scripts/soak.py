"""The soak: ``make bench`` (not CI), or ``.venv/bin/python scripts/soak.py``.

The production stack of ``make faults`` (scripts/nginx_stack.py: nginx with TLS, gunicorn
with 2 workers, PostgreSQL 15, Redis, on 127.0.0.1) on the archive grown to 10,000
projects (scripts/bench.py's ``generate``, then ``rebuild_search_index``).

First, the figure behind ``DJANGO_PAGE_CACHE_VERSION_SECONDS``: a cached page straight
from gunicorn with the content version read from the database on every request (0) and
taken from Redis (5), side by side in alternating rounds.

Then the soak: wrk with 64 connections through nginx for 10 minutes, one run per minute,
on a mix of addresses (half of them the pages everyone asks for: the lists and the real
five projects in both languages; half any of the 10,000 projects, people and
organisations), while an editor saves a project in the admin every 5 seconds and then
asks its public page until the change shows. It prints per minute requests/s, latency,
errors and the gunicorn workers' largest resident memory; then the goals: no errors,
worker memory at most 1.2 times its size after a minute's warm-up, every save visible
within 2 s; and where the answers that still showed the old page came from (their
Cache-Status: nginx's micro-cache or the app's page cache). It asserts nothing; the
machine it runs on may be shared (the load average is printed).

Options: ``--minutes`` (10), ``--connections`` (64), ``--projects`` (10000),
``--save-every`` seconds (5), ``--rounds`` of the version comparison (3, 10 s each),
``--workers`` (gunicorn's, 2 as in scripts/bench.py; gunicorn.conf.py's default is
2 × CPU cores + 1).
"""

import argparse
import collections
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time

from bench import RssSampler
from bench_nginx import wrk
from deploy_check import DeployCheck
from faults import Editor, Visitor
from nginx_stack import BASE_DIR, HOST, PYTHON, Stack

VISIBLE_GOAL = 2.0  # seconds from a save's answer until its page shows it
MEMORY_GOAL = 1.2  # the workers' memory at most this times its size after warm-up

# wrk picks an address from the list for every request and writes its summary as JSON.
WRK_SCRIPT = """
local paths = {%(paths)s}
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %%d, "seconds": %%f, "errors": %%d, "status_errors": %%d, ' ..
    '"p50_ms": %%f, "p99_ms": %%f, "max_ms": %%f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""

ADDRESSES_CODE = """
import json, random
from django.urls import reverse
from django.utils import translation
from people.models import Person
from projects.models import Organisation, Project
random.seed(1)
popular, rest = [], []
for language in ("de", "en"):
    with translation.override(language):
        popular += [reverse(name) for name in (
            "projects:index", "projects:list", "people:index", "projects:organisations",
            "reports:list")]
        popular += [p.get_absolute_url() for p in Project.objects.published().order_by("pk")[:5]]
        ids = list(Project.objects.published().values_list("pk", flat=True))
        rest += [p.get_absolute_url() for p in Project.objects.published().filter(
            pk__in=random.sample(ids, min(600, len(ids))))]
        people = list(Person.objects.public().values_list("pk", flat=True))
        rest += [p.get_absolute_url() for p in Person.objects.public().filter(
            pk__in=random.sample(people, min(200, len(people))))]
        organisations = Organisation.objects.order_by("pk")[:20]
        rest += [o.get_absolute_url() for o in organisations]
print(json.dumps({"popular": popular, "rest": rest}))
"""


def say(text):
    print(f"soak: {text}", flush=True)


def grow(stack, projects):
    started = time.monotonic()
    subprocess.run(
        [PYTHON, str(BASE_DIR / "scripts" / "bench.py"), "generate", str(projects)],
        cwd=BASE_DIR,
        env=stack.env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stack.manage("rebuild_search_index")
    say(f"archive grown to {projects:,} projects in {time.monotonic() - started:.0f} s")


def compare_version_sources(stack, path, rounds, duration=10):
    """Requests/s and p50 of a cached page straight from gunicorn, the content version
    from the database (0) or from the cache (5), in alternating rounds."""
    results = {"0": [], "5": []}
    for _round in range(rounds):
        for seconds in results:
            stack.env["DJANGO_PAGE_CACHE_VERSION_SECONDS"] = seconds
            stack.start_gunicorn()
            url = f"http://{HOST}:{stack.ports['gunicorn']}{path}"
            wrk(url, 16, 2)  # the page rendered and stored, the workers warm
            results[seconds].append(wrk(url, 16, duration))
            stack.stop_gunicorn()
    del stack.env["DJANGO_PAGE_CACHE_VERSION_SECONDS"]
    print()
    print(
        f"== a cached page ({path}) straight from gunicorn (2 workers), wrk 16 connections, "
        f"{duration} s, {rounds} alternating rounds; load average {load()}"
    )
    for seconds, runs in results.items():
        source = "the database, every request" if seconds == "0" else "Redis, for 5 s"
        rates = [run["rate"] for run in runs]
        print(
            f"   version from {source:<28} req/s median {statistics.median(rates):>7.0f} "
            f"(best {max(rates):.0f}), p50 median "
            f"{statistics.median(run['p50'] for run in runs):.1f} ms, "
            f"errors {sum(run['errors'] for run in runs)}"
        )
    print()


def wrk_mix(stack, script, connections, seconds):
    output = subprocess.run(
        ["wrk", "--threads", "2", "--connections", str(connections), "--duration",
         f"{seconds}s", "--timeout", "10s", "--script", str(script), stack.https_origin],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


class EditorAtWork(threading.Thread):
    """Saves the project every ``every`` seconds and times until its page shows it."""

    def __init__(self, stack, editor, every):
        super().__init__(daemon=True)
        self.editor = editor
        self.every = every
        self.visitor = Visitor(stack)
        self.stopped = threading.Event()
        self.visible = []  # seconds from each save's answer until its page showed it
        self.failed = []
        # Where the answers that still showed the old page came from (Cache-Status), and
        # how long after the save the last of them came from the app rather than nginx.
        self.old_answers = collections.Counter()
        self.old_from_app = []

    def run(self):
        number = 0
        while not self.stopped.wait(self.every):
            number += 1
            marker = f"Stand {number}"
            response = self.editor.send(self.editor.project_save(marker, inlines=False))
            if response is None or response.status != 302:
                self.failed.append(f"save {number}: {response and response.status}")
                continue
            saved = time.monotonic()
            while time.monotonic() - saved < 30:
                try:
                    response, text = self.visitor.get(self.editor.info["project_page"])
                except OSError:
                    response, text = None, ""
                if f"{marker}<" in text or f"{marker} " in text:
                    self.visible.append(time.monotonic() - saved)
                    break
                status = response and response.getheader("Cache-Status", "")
                self.old_answers[status] += 1
                if status and "nginx; hit" not in status and "detail=updating" not in status:
                    self.old_from_app.append(time.monotonic() - saved)
                time.sleep(0.05)
            else:
                self.failed.append(f"save {number}: not visible after 30 s")


def load():
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--save-every", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    with Stack(
        database="postgres", cache="redis", workers=args.workers, quiet_access_log=True
    ) as stack:
        stack.log_positions = {}
        check = DeployCheck(stack)
        check.setup()
        grow(stack, args.projects)
        addresses = stack.django(ADDRESSES_CODE)
        if args.rounds:
            compare_version_sources(stack, addresses["popular"][5], args.rounds)
        stack.start_gunicorn()
        stack.start_nginx()
        check.check_editor_login()
        editor = Editor(check)
        # Half the requests to the pages everyone asks for, half to any other.
        paths = [*addresses["popular"] * (len(addresses["rest"]) // len(addresses["popular"]))]
        paths += addresses["rest"]
        random.shuffle(paths)
        script = stack.dir / "soak.lua"
        script.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)})

        sampler = RssSampler(stack.gunicorn.pid)
        sampler.start()
        say(f"warming up for a minute ({len(paths):,} addresses, {args.connections} connections)")
        warm = wrk_mix(stack, script, args.connections, 60)
        baseline = sampler.window()
        rows = []
        worker = EditorAtWork(stack, editor, args.save_every)
        worker.start()
        for minute in range(1, args.minutes + 1):
            result = wrk_mix(stack, script, args.connections, 60)
            rows.append((minute, result, sampler.window()))
            say(f"minute {minute}: {result['requests'] / result['seconds']:.0f} req/s")
        worker.stopped.set()
        worker.join(timeout=60)
        sampler.stopped.set()

    print()
    print(
        f"== soak: {args.minutes} min, wrk {args.connections} connections through nginx "
        f"(https), {args.projects:,} projects, {args.workers} gunicorn workers, "
        f"an editor saving every {args.save_every:.0f} s; "
        f"{os.cpu_count()} CPUs shared; load average {load()}"
    )
    header = f"{'minute':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6} {'worker MB':>9}"  # noqa: E501
    print(header)
    print("-" * len(header))

    def row(name, result, rss):
        errors = result["errors"] + result["status_errors"]
        print(
            f"{name:>6} {result['requests'] / result['seconds']:>7.0f} {result['p50_ms']:>8.1f} "
            f"{result['p99_ms']:>8.1f} {result['max_ms']:>8.0f} {errors:>6} {rss:>9.0f}"
        )

    row("warm", warm, baseline)
    for minute, result, rss in rows:
        row(str(minute), result, rss)
    errors = sum(r["errors"] + r["status_errors"] for _m, r, _rss in rows)
    largest = max(rss for _m, _r, rss in rows)
    visible = worker.visible
    print()
    print(f"   errors: {errors}  (goal 0: {'met' if not errors else 'MISSED'})")
    ratio = largest / baseline if baseline else float("inf")
    print(
        f"   worker memory: {baseline:.0f} MB after warm-up, at most {largest:.0f} MB after: "
        f"{ratio:.2f}x (goal at most {MEMORY_GOAL}x: {'met' if ratio <= MEMORY_GOAL else 'MISSED'})"
    )
    if worker.old_answers:
        print("   answers that still showed the old page, by Cache-Status:")
        for status, count in worker.old_answers.most_common():
            print(f"     {count:5}  {status or '(none)'}")
        late = worker.old_from_app
        if late:
            print(
                f"   of them from the app, not nginx's copy: {len(late)}, the last "
                f"{max(late):.2f} s after its save"
            )
    if visible:
        slowest = max(visible)
        met = slowest <= VISIBLE_GOAL and not worker.failed
        print(
            f"   saves: {len(visible)} visible, median {statistics.median(visible):.2f} s, "
            f"90th percentile {sorted(visible)[int(0.9 * (len(visible) - 1))]:.2f} s, "
            f"slowest {slowest:.2f} s (goal every one within {VISIBLE_GOAL:.0f} s: "
            f"{'met' if met else 'MISSED'})"
        )
    for failure in worker.failed:
        print(f"   save failed: {failure}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
