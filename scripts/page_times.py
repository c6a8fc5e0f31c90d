"""Each page type rendered in-process: ``.venv/bin/python scripts/page_times.py``.

For looking into one archive at a time, where ``make bench`` measures through gunicorn:
renders each page that ``scripts/bench.py`` measures with Django's test client in this
process (no server, no network) and prints the time of the first request, the median
time of ``--runs`` requests after it and the median CPU time this process spent on them
(on SQLite all of a request's work, and less disturbed by other processes on the same
machine than the time), the number of queries, the time the database took
to execute them and the page's size; ``--sql`` adds the slowest queries of each page,
``--explain`` their plans (``EXPLAIN ANALYZE`` on PostgreSQL, ``EXPLAIN QUERY PLAN`` on
SQLite), ``--memory`` the peak of the memory Python allocated for one more request
(tracemalloc). ``--url NAME=PATH`` measures further addresses, for instance a deep page of a
list: ``--url "reports, page 800=/de/jahresberichte/seite/800/"``.

The archive is the one the environment names (``DATABASE_URL``), for instance a copy
grown with ``scripts/bench.py``'s ``generate``; run with production settings and the
page cache off, e.g. ``DJANGO_DEBUG=0 DJANGO_PAGE_CACHE=0 DJANGO_ALLOWED_HOSTS=testserver``
and a secret key, after ``collectstatic``. It prints figures; it asserts nothing.
"""

import argparse
import statistics
import sys
import time
import tracemalloc

import bench

PLAN_LINES = 40  # of each plan: enough to see what is read and whether it sorts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="only pages whose name contains one of these")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sql", action="store_true", help="print each page's slowest queries")
    parser.add_argument(
        "--explain", action="store_true", help="print the plans of each page's slowest queries"
    )
    parser.add_argument(
        "--memory", action="store_true", help="print each request's peak Python memory"
    )
    parser.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="measure this address too (repeatable)",
    )
    args = parser.parse_args()

    bench.setup_django()
    from django.db import connection
    from django.test import Client

    client = Client()
    queries = []  # (ms, sql, params) of the page being timed

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - start) * 1000, sql, params))

    pages = bench.pages_to_measure()
    pages += [tuple(extra.split("=", 1)) for extra in args.url]
    memory = f" {'peak MiB':>8}" if args.memory else ""
    print(
        f"{'page':32} {'first ms':>8} {'median ms':>9} {'CPU ms':>7} {'queries':>7} {'SQL ms':>7}"
        f" {'KB':>6}" + memory
    )
    for name, url in pages:
        if args.pages and not any(part in name for part in args.pages):
            continue
        start = time.perf_counter()
        response = client.get(url)
        first = (time.perf_counter() - start) * 1000
        if response.streaming:  # the open data: a file, not a page
            print(f"{name:32} skipped: a download", file=sys.stderr)
            continue
        if response.status_code != 200:
            print(f"{name:32} skipped: status {response.status_code}", file=sys.stderr)
            continue
        times, cpu_times = [], []
        for _ in range(args.runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            size = len(client.get(url).content)
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - cpu_start) * 1000)
        queries.clear()
        with connection.execute_wrapper(timed):
            client.get(url)
        median = statistics.median(times)
        sql_ms = sum(ms for ms, _sql, _params in queries)
        if args.memory:
            tracemalloc.start()
            client.get(url)
            memory = f" {tracemalloc.get_traced_memory()[1] / 2**20:8.1f}"
            tracemalloc.stop()
        cpu = statistics.median(cpu_times)
        print(
            f"{name:32} {first:8.1f} {median:9.1f} {cpu:7.1f} {len(queries):7} {sql_ms:7.1f} "
            f"{size / 1024:6.1f}{memory}"
        )
        slowest = sorted(queries, key=lambda query: query[0], reverse=True)[:5]
        if args.sql:
            for ms, sql, _params in slowest:
                print(f"    {ms:7.1f} ms  {sql[:160]}")
        if args.explain:
            for ms, sql, params in slowest[:3]:
                print(f"    {ms:7.1f} ms  {sql[:300]}")
                for line in explain(connection, sql, params)[:PLAN_LINES]:
                    print(f"        {line}")


def explain(connection, sql, params):
    """The plan of one query: what PostgreSQL did (EXPLAIN ANALYZE), what SQLite would do."""
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return [row[0] for row in rows]
    return [f"{'  ' * (row[1] > 0)}{row[-1]}" for row in rows]


if __name__ == "__main__":
    main()
