"""CPU time of one full render, in-process: ``.venv/bin/python scripts/bench_render.py``.

Renders each public page type through Django's whole stack (middleware, view, queries,
templates) with DEBUG off and the page cache off, in one process on an idle machine,
and prints the CPU time per request (the best of several rounds), and for the project
page its two parts alone: loading its rows and rendering its template. Uses
the database the settings name (``make run`` fills it with the archive); changes
nothing. Prints; asserts nothing.

These are the figures to compare code changes by; requests/s under load come from
``make bench`` (under load, with wrk and two workers sharing two CPUs, a worker spends
about 1.3-1.4 times the CPU time printed here).

Options: ``--rounds`` (7), ``--requests`` per round (100).
"""

import argparse
import logging
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _setup():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterspace.settings")
    os.environ.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_PAGE_CACHE="0",
    )
    # With DEBUG off, {% static %} names the hashed files of the manifest: collected
    # into a temporary folder, so that nothing of the checkout changes.
    static_root = tempfile.mkdtemp(prefix="clusterspace-bench-render-")
    os.environ["DJANGO_STATIC_ROOT"] = static_root
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    logging.disable(logging.WARNING)  # the 404 row would log every request
    return static_root


def best_cpu_ms(functions, rounds, requests):
    """The best CPU time per call of each function, in ms. The rounds take the functions
    in turn, so that a stretch in which the machine is slower costs each of them alike."""
    for function in functions.values():
        for _ in range(20):
            function()
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.process_time()
            for _ in range(requests):
                function()
            best[name] = min(best[name], (time.process_time() - start) / requests * 1000)
    return best


def pages():
    """The pages ``make bench`` measures (scripts/bench.py), less the PDF download (no
    render), with a report's page and the 404 page (the frame alone)."""
    from bench import pages_to_measure

    from reports.models import AnnualReport

    found = [(name, url) for name, url in pages_to_measure() if name != "report PDF"]
    report = AnnualReport.objects.published().select_related("series").order_by("pk").first()
    return [
        *found,
        ("report page", report.get_absolute_url()),
        ("404 (the frame)", "/de/gibt-es-nicht/"),
    ]


def project_phases(url):
    """A project page's two parts, each alone: loading its rows, rendering its template."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import get_template
    from django.test import RequestFactory
    from django.urls import resolve

    from projects.models import Project
    from website.views import for_project_page

    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    request.resolver_match = resolve(url)
    slug = request.resolver_match.kwargs["slug"]

    def load():
        return for_project_page(Project.objects.published()).get(slug=slug)

    loaded = load()
    template = get_template("projects/project_detail.html")
    context = {"project": loaded, "object": loaded}
    return {
        "  its rows (for_project_page)": load,
        "  its template": lambda: template.render(context, request),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=100)
    options = parser.parse_args()
    static_root = _setup()
    try:
        run(options)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def run(options):
    from django.test import Client

    client = Client()
    found = pages()
    project_url = dict(found)["project page"]
    sizes = {name: len(client.get(url).content) for name, url in found}
    functions = {name: (lambda url=url: client.get(url)) for name, url in found}
    functions.update(project_phases(project_url))
    best = best_cpu_ms(functions, options.rounds, options.requests)
    print(f"{'page (project page: ' + project_url + ')':44s} {'CPU ms':>7s} {'KB':>6s}")
    for name, cpu in best.items():
        size = f"{sizes[name] / 1024:6.1f}" if name in sizes else ""
        print(f"{name:44s} {cpu:7.2f} {size}")


if __name__ == "__main__":
    main()
