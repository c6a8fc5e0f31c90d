"""Time a bulk load in one transaction on PostgreSQL with fresh and with stale statistics.

    DATABASE_URL=postgres://… DJANGO_DEBUG=1 .venv/bin/python scripts/bench_bulk_load.py \
        [--projects 500] [--vacuum-at 300] [--runs 1]

Builds ``tests/factories.populate`` (each project with a funder, three people, a report
and an interview; the search index written once at the end) inside one transaction that
is rolled back, as ``tests/website/test_queries.py`` does, in a throwaway test database (Django's
test-database creation; removed afterwards). Each run builds it twice, side by side:
as is, and with a VACUUM from another session after the first ``--vacuum-at`` projects.
That VACUUM is what autovacuum does in the test suite when earlier tests have left dead
rows: it counts none of the uncommitted rows and records the tables as empty, so the
planner plans what follows as for empty tables (docs/performance.md, "The test suite on
PostgreSQL"). Prints the wall time of each build (the VACUUM's own time left out) and
their ratio. A measurement, not a test: the times depend on the machine.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterspace.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests import factories  # noqa: E402

make_project = factories.make_project


def vacuum():
    """VACUUM the loaded tables from a second session, as autovacuum would; its seconds."""
    settings = connection.settings_dict
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table) for model in factories.CONTENT_MODELS
    )
    start = time.perf_counter()
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        # TRUNCATE false: truncating needs a lock the loading transaction holds, and
        # VACUUM would wait five seconds per table for it before giving up.
        other.execute(f"VACUUM (TRUNCATE false) {tables}")
    return time.perf_counter() - start


def build(projects, vacuum_at):
    """Seconds to populate ``projects`` in one transaction, rolled back afterwards."""
    paused = 0.0

    def make_project_and_maybe_vacuum(n, **fields):
        nonlocal paused
        if n == vacuum_at:
            paused += vacuum()
        return make_project(n, **fields)

    factories.make_project = make_project_and_maybe_vacuum
    try:
        with transaction.atomic():
            start = time.perf_counter()
            factories.populate(projects)
            elapsed = time.perf_counter() - start - paused
            transaction.set_rollback(True)
    finally:
        factories.make_project = make_project
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--vacuum-at", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench_bulk_load.py: PostgreSQL only (DATABASE_URL=postgres://…).")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"populate({args.projects}) in one transaction; VACUUM after {args.vacuum_at}")
        print(f"{'run':>3} {'fresh s':>8} {'VACUUM mid-load s':>18} {'ratio':>6} {'load':>5}")
        for run in range(1, args.runs + 1):
            fresh = build(args.projects, vacuum_at=None)
            stale = build(args.projects, vacuum_at=args.vacuum_at)
            print(
                f"{run:>3} {fresh:>8.1f} {stale:>18.1f} {stale / fresh:>6.2f} "
                f"{os.getloadavg()[0]:>5.1f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
