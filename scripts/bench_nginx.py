"""Benchmark through nginx: part of ``make bench`` (scripts/bench.py runs it), or directly.

Runs the deployed stack on 127.0.0.1 (scripts/nginx_stack.py: Debian's nginx with
deploy/nginx/clusterspace.conf, TLS with a self-signed certificate, gunicorn with 2
workers, SQLite, the page cache in local memory) with the archive's content, and measures
with wrk over https at 16 and 256 connections, ``Accept-Encoding: gzip``:

* the overview and a project page as visitors get them: from nginx's micro-cache;
* the same HTML served by nginx as a static file (with its gzip variant), measured right
  before each page: the yardstick, nginx's own speed on this machine;
* the same pages with a CSRF cookie, which bypasses the micro-cache: nginx passes every
  request to gunicorn, where the app's page cache answers.

Prints requests/s, p50/p99 latency, errors (socket errors and non-2xx/3xx answers) and
the ratio to the static file, each row the best of ``--rounds`` (2) rounds, errors summed
over all. Asserts nothing. Options: ``--duration`` seconds per run (default 5, or
BENCH_DURATION), ``--connections`` (16,256), ``--rounds``.
"""

import argparse
import gzip
import os
import re
import shutil
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


def measure(duration, connections=(16, 256), rounds=2):
    """Every row of the table: ``(row name, connections, result, the file's result)``,
    each the best of ``rounds``."""
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
        # Each page's HTML as a static file beside it, with the gzip variant nginx sends.
        copies = {}
        for name, path in pages:
            html = fetch(stack, path)
            target = stack.static_root / "bench" / (name.replace(" ", "-") + ".html")
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(html)
            target.with_name(target.name + ".gz").write_bytes(gzip.compress(html, 6, mtime=0))
            copies[name] = "/static/bench/" + target.name
            sent = len(fetch(stack, path, ACCEPT_ENCODING))
            print(f"{name}: {path}, {len(html):,} bytes HTML, {sent:,} bytes gzip-compressed")

        # Each row measured in every round, file and page in turn; the best round counts
        # (the machine is shared, and a neighbour's burst should not decide a ratio).
        best = {}
        url = stack.https_origin
        for _round in range(rounds):
            for name, path in pages:
                for c in connections:
                    for kind, address, headers in (
                        ("same HTML as a file", copies[name], ()),
                        ("micro-cache", path, ()),
                        ("bypassed, to gunicorn", path, ["Cookie: csrftoken=bench"]),
                    ):
                        result = wrk(url + address, c, duration, headers)
                        key = (name, c, kind)
                        if key not in best or result["rate"] > best[key]["rate"]:
                            errors = result["errors"] + best.get(key, {}).get("errors", 0)
                            best[key] = {**result, "errors": errors}
                        else:
                            best[key]["errors"] += result["errors"]
    return [
        (f"{name}: {kind}", c, result, best[(name, c, "same HTML as a file")])
        for (name, c, kind), result in best.items()
    ]


def report(rows, duration, rounds):
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print()
    print(
        f"== through nginx (https, {HOST}), wrk {duration} s per run, best of "
        f"{rounds} rounds (errors: all rounds), 2 threads, "
        f"Accept-Encoding: {ACCEPT_ENCODING}; gunicorn with 2 workers behind it"
    )
    print(f"   {os.cpu_count()} CPUs shared by wrk, nginx and gunicorn; load average {load}")
    header = (
        f"{'row':<40} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
        f"{'x file':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, c, result, static in rows:
        ratio = result["rate"] / static["rate"] if static["rate"] else 0.0
        print(
            f"{name:<40} {c:>5} {result['rate']:>8.0f} {result['p50']:>8.2f} "
            f"{result['p99']:>8.2f} {result['errors']:>6} {ratio:>7.2f}"
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
