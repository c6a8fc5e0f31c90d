"""Benchmark through nginx: part of ``make bench`` (scripts/bench.py runs it), or directly.

Runs the deployed stack on 127.0.0.1 (scripts/nginx_stack.py: Debian's nginx with
deploy/nginx/clusterspace.conf, TLS with a self-signed certificate, gunicorn with 2
workers, SQLite, the page cache in local memory) with the archive's content, and measures
with wrk over https at 16 and 256 connections, ``Accept-Encoding: gzip``:

* the overview and a project page as visitors get them: from nginx's micro-cache, filled
  by a request like wrk's (``Accept-Encoding: gzip``), so each page's entry is the
  variant wrk asks for;
* the same HTML served by nginx as a static file, its gzip variant the very bytes the
  app sent, measured right before each page: the yardstick, nginx's own speed on this
  machine;
* "micro-cache, second Vary variant": the same, after nginx was started again with an
  empty cache and each page asked for first without compression (as a client that
  sends no Accept-Encoding would). The app's pages vary on Cookie and Accept-Encoding;
  nginx keeps the first answer under the page's key and any other variant under a key
  of its own, so every hit of the second opens and reads both files. In production the
  first request after a page's entry left the cache decides which variant is under the
  page's key: visitors whose Accept-Encoding or Cookie header differs from it (another
  browser, a crawler) get this kind of hit;
* the same pages with a CSRF cookie, which bypasses the micro-cache: nginx passes every
  request to gunicorn, where the app's page cache answers.

Prints requests/s, p50/p99 latency (each row's best of ``--rounds`` (2) rounds), errors
(socket errors and non-2xx/3xx answers, summed over all rounds), each round's ratio to
the file run just before it (``rounds``) and their median (``x file``): a ratio of two
runs seconds apart, which a change in the machine's load between rounds moves far less
than one of two best runs from different rounds. Asserts nothing. Options:
``--duration`` seconds per run (default 5, or BENCH_DURATION), ``--connections``
(16,256), ``--rounds``.
"""

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import urllib.request

from nginx_stack import HOST, Stack

ACCEPT_ENCODING = "gzip"
PAGES = (("overview", "/de/"), ("project page", None))
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def wrk(url, connections, duration, headers=()):
    """requests/s, p50 ms, p99 ms and errors of one wrk run."""
    command = ["wrk", "--threads", "2", "--connections", str(connections),
               "--duration", f"{duration}s", "--timeout", "10s", "--latency",
               "--header", f"Accept-Encoding: {ACCEPT_ENCODING}"]  # fmt: skip
    for header in headers:
        command += ["--header", header]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 60
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
        "errors": errors if rate else -1,
    }


def fetch(stack, path, encoding=""):
    request = urllib.request.Request(
        stack.https_origin + path, headers={"Accept-Encoding": encoding} if encoding else {}
    )
    with urllib.request.urlopen(request, timeout=30, context=stack.ssl_context()) as response:
        return response.read()


FILE = "same HTML as a file"
SECOND_VARIANT = "micro-cache, second Vary variant"


def restart_nginx(stack, pages, first_encoding):
    """nginx started again with an empty micro-cache, each page asked for first with
    ``first_encoding`` ("" for none), then as wrk asks."""
    stack.stop_nginx()
    shutil.rmtree(stack.nginx_dir / "cache", ignore_errors=True)
    stack.start_nginx()
    for _name, path in pages:
        if first_encoding != ACCEPT_ENCODING:
            fetch(stack, path, first_encoding)
        fetch(stack, path, ACCEPT_ENCODING)


def measure(duration, connections=(16, 256), rounds=2):
    """Every row of the table: ``(row name, connections, result, the file's result)``,
    each the best of ``rounds``; ``result["rounds"]``: each round's ratio to the file."""
    if shutil.which("wrk") is None:
        raise SystemExit("bench_nginx: wrk is missing (Debian: apt-get install wrk)")
    with Stack(database="sqlite", cache="locmem", quiet_access_log=True) as stack:
        stack.prepare()
        project = stack.django(
            "import json; from projects.models import Project; print(json.dumps("
            "Project.objects.published().order_by('position', 'pk').first()"
            ".get_absolute_url()))"
        )
        pages = [(name, path or project) for name, path in PAGES]
        stack.start_gunicorn()
        stack.start_nginx()
        # Each page's HTML as a static file beside it, with the gzip variant nginx sends:
        # the app's own answer to wrk's Accept-Encoding (the first request of each page,
        # so the micro-cache keeps this variant under the page's key).
        copies = {}
        for name, path in pages:
            compressed = fetch(stack, path, ACCEPT_ENCODING)
            html = gzip.decompress(compressed)
            target = stack.static_root / "bench" / (name.replace(" ", "-") + ".html")
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(html)
            target.with_name(target.name + ".gz").write_bytes(compressed)
            copies[name] = "/static/bench/" + target.name
            print(f"{name}: {path}, {len(html):,} bytes HTML, {len(compressed):,} bytes gzip")

        # Each row measured in every round, file and page in turn; the best round counts
        # (the machine is shared, and a neighbour's burst should not decide a ratio), and
        # each round's ratio to the file run just before it is kept beside it.
        best = {}
        url = stack.https_origin
        cookie = ["Cookie: csrftoken=bench"]
        for round_ in range(rounds):
            for first_encoding, kinds in (
                (ACCEPT_ENCODING, (("micro-cache", ()), ("bypassed, to gunicorn", cookie))),
                ("", ((SECOND_VARIANT, ()),)),
            ):
                if round_ or first_encoding != ACCEPT_ENCODING:
                    restart_nginx(stack, pages, first_encoding)
                for name, path in pages:
                    for c in connections:
                        file = wrk(url + copies[name], c, duration)
                        keep(best, (name, c, FILE), file)
                        for kind, headers in kinds:
                            result = wrk(url + path, c, duration, headers)
                            keep(best, (name, c, kind), result, file)
    kinds = [FILE, "micro-cache", SECOND_VARIANT, "bypassed, to gunicorn"]
    return [
        (f"{name}: {kind}", c, best[(name, c, kind)], best[(name, c, FILE)])
        for name, _path in pages
        for c in connections
        for kind in kinds
    ]


def keep(best, key, result, file=None):
    """The better run under ``key``, errors summed over all; with ``file``, this round's
    ratio to it appended to ``rounds``."""
    kept = best.setdefault(key, {"rate": -1.0, "errors": 0, "rounds": []})
    errors, rounds = kept["errors"] + result["errors"], kept["rounds"]
    if result["rate"] > kept["rate"]:
        kept.update(result)
    kept["errors"], kept["rounds"] = errors, rounds
    if file is not None and file["rate"]:
        rounds.append(result["rate"] / file["rate"])


def ratio_to_file(result, file):
    """The median of the rounds' ratios to the file run just before each (the file's own
    row: 1.0)."""
    if result is file:
        return 1.0
    if result.get("rounds"):
        return statistics.median(result["rounds"])
    return result["rate"] / file["rate"] if file["rate"] else 0.0


def report(rows, duration, rounds):
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print()
    print(
        f"== through nginx (https, {HOST}), wrk {duration} s per run, best of "
        f"{rounds} rounds (errors: all rounds; x file: the median of the rounds' ratios), "
        f"2 threads, "
        f"Accept-Encoding: {ACCEPT_ENCODING}; gunicorn with 2 workers behind it"
    )
    print(f"   {os.cpu_count()} CPUs shared by wrk, nginx and gunicorn; load average {load}")
    header = (
        f"{'row':<48} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
        f"{'x file':>7}  rounds"
    )
    print(header)
    print("-" * len(header))
    for name, c, result, static in rows:
        ratio = ratio_to_file(result, static)
        rounds = " ".join(f"{r:.2f}" for r in result.get("rounds", []))
        print(
            f"{name:<48} {c:>5} {result['rate']:>8.0f} {result['p50']:>8.2f} "
            f"{result['p99']:>8.2f} {result['errors']:>6} {ratio:>7.2f}  {rounds}".rstrip()
        )
    sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 5)))
    parser.add_argument("--connections", default="16,256")
    parser.add_argument("--rounds", type=int, default=2, help="the best round counts")
    args = parser.parse_args(argv)
    connections = [int(c) for c in args.connections.split(",")]
    report(measure(args.duration, connections, args.rounds), args.duration, args.rounds)


if __name__ == "__main__":
    main()
