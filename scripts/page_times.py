"""Each page type rendered in-process: ``.venv/bin/python scripts/page_times.py``.

For looking into one archive at a time, where ``make bench`` measures through gunicorn:
renders each page that ``scripts/bench.py`` measures with Django's test client in this
process (no server, no network) and prints the median time of ``--runs`` requests after
one warm-up, the number of queries, the time the database took to execute them and the
page's size; ``--sql`` adds the slowest queries of each page.

The archive is the one the environment names (``DATABASE_URL``), for instance a copy
grown with ``scripts/bench.py``'s ``generate``; run with production settings and the
page cache off, e.g. ``DJANGO_DEBUG=0 DJANGO_PAGE_CACHE=0 DJANGO_ALLOWED_HOSTS=testserver``
and a secret key, after ``collectstatic``. It prints figures; it asserts nothing.
"""

import argparse
import statistics
import sys
import time

import bench


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="only pages whose name contains one of these")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sql", action="store_true", help="print each page's slowest queries")
    args = parser.parse_args()

    bench.setup_django()
    from django.db import connection
    from django.test import Client

    client = Client()
    queries = []  # (ms, sql) of the page being timed

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - start) * 1000, sql))

    print(f"{'page':24} {'median ms':>9} {'queries':>7} {'SQL ms':>7} {'KB':>6}")
    for name, url in bench.pages_to_measure():
        if args.pages and not any(part in name for part in args.pages):
            continue
        response = client.get(url)
        if response.streaming:  # the open data: a file, not a page
            print(f"{name:24} skipped: a download", file=sys.stderr)
            continue
        if response.status_code != 200:
            print(f"{name:24} skipped: status {response.status_code}", file=sys.stderr)
            continue
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            size = len(client.get(url).content)
            times.append((time.perf_counter() - start) * 1000)
        queries.clear()
        with connection.execute_wrapper(timed):
            client.get(url)
        median = statistics.median(times)
        sql_ms = sum(ms for ms, _sql in queries)
        print(f"{name:24} {median:9.1f} {len(queries):7} {sql_ms:7.1f} {size / 1024:6.1f}")
        if args.sql:
            for ms, sql in sorted(queries, reverse=True)[:5]:
                print(f"    {ms:7.1f} ms  {sql[:160]}")


if __name__ == "__main__":
    main()
