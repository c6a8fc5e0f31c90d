"""Time the site-wide search (run by the database's index) over an archive of generated projects.

    DJANGO_DEBUG=1 .venv/bin/python scripts/bench_search.py [--projects 1000] [--runs 5]

Builds a throwaway test database (Django's test-database creation: in memory for SQLite,
a separate ``test_…`` database for PostgreSQL when DATABASE_URL names one), loads the
archive and adds generated projects, each with a funder, three people, a report and an
interview (``tests/factories.populate``) and a description of realistic length, then
times the search page for a few queries, with the number of database queries each page
ran. The index is written anew after the generated texts (``search_index.rebuild``,
timed). The database is removed afterwards. A measurement, not a test: the times depend
on the machine.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterspace.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from projects.models import Project  # noqa: E402
from search import index as search_index  # noqa: E402
from search.query import Query, counts, matching, results  # noqa: E402

from tests.factories import populate  # noqa: E402

QUERIES = ["Cluster", "Foerderer", "Straße", "Wissensmanagement Netzwerk", "Nachname512", "xyz"]

DESCRIPTION_DE = (
    "Das Projekt untersucht, wie Unternehmen, Hochschulen und Verbände in den Hamburger "
    "Clustern zusammenarbeiten und voneinander lernen. Im Mittelpunkt stehen "
    "Clusterbrücken zwischen Luftfahrt, Logistik, Maritimer Wirtschaft und Life Sciences, "
    "die Erschließung neuer Felder und Akteure sowie das Wissensmanagement in Netzwerken. "
)
DESCRIPTION_EN = (
    "The project studies how companies, universities and associations in Hamburg's "
    "clusters cooperate and learn from one another: bridges between aviation, logistics, "
    "the maritime economy and life sciences, new fields and actors, knowledge management. "
)


def build(count):
    call_command("loaddata", "archive", verbosity=0)
    populate(count)
    projects = list(Project.objects.filter(slug__startswith="testprojekt-"))
    for project in projects:
        n = project.pk
        project.description_de = (DESCRIPTION_DE * 4) + f"Förderer Nr. {n} an der Straße {n}."
        project.description_en = (DESCRIPTION_EN * 4) + f"Funder no. {n}."
        project.subtitle_de = f"Teilprojekt {n} im Verbund"
    Project.objects.bulk_update(projects, ["description_de", "description_en", "subtitle_de"])
    # bulk_update sends no signals: the index is written anew, as after an import.
    start = time.perf_counter()
    written = search_index.rebuild()
    print(
        f"search index rebuilt: {sum(written.values())} entries "
        f"in {time.perf_counter() - start:.1f} s"
    )


def measure(runs):
    """Median wall-clock and CPU time of the search alone and of the whole search page."""
    client = Client(HTTP_HOST="localhost")
    url = reverse("search:search")
    print(
        f"{'query':<28} {'hits':>5} {'search ms':>10} {'(cpu)':>7} {'page ms':>8} {'(cpu)':>7}"
        f" {'queries':>8}"
    )
    for text in QUERIES:
        search_wall, search_cpu, page_wall, page_cpu, hits = [], [], [], [], 0
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            query = Query.parse(text)
            entries = matching(query)
            hits = sum(counts(entries).values())
            # The first page's results, marked, as the page shows them.
            results(list(entries.values_list("pk", flat=True)[:10]), query, "de")
            search_wall.append((time.perf_counter() - wall) * 1000)
            search_cpu.append((time.process_time() - cpu) * 1000)
            wall, cpu = time.perf_counter(), time.process_time()
            reset_queries()  # the building's queries filled the log: start afresh
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {"q": text})
            page_wall.append((time.perf_counter() - wall) * 1000)
            page_cpu.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, response.status_code
        median = statistics.median
        print(
            f"{text:<28} {hits:>5} {median(search_wall):>10.0f} {median(search_cpu):>7.0f} "
            f"{median(page_wall):>8.0f} {median(page_cpu):>7.0f} {len(queries):>8}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        start = time.perf_counter()
        build(args.projects)
        print(
            f"{connection.vendor}: {Project.objects.published().count()} published projects "
            f"(built in {time.perf_counter() - start:.1f} s); median of {args.runs} runs; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        measure(args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
