"""Check every external address the site shows and store its state (``LinkCheck``).

Run weekly (deploy/systemd/clusterspace-linkcheck.timer). One line per finished address
on a terminal's progress counter, one line per problem; afterwards the states are read
into the cache and the content version raised, so that cached pages mark a broken link.
"""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.signals import content_changed
from linkchecks.checks import (
    check_addresses,
    collect_addresses,
    refresh_problem_links,
    user_agent,
)
from linkchecks.models import LinkCheck


class Command(BaseCommand):
    help = "Prüft alle externen Adressen der Website und speichert ihren Zustand."

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="Sekunden je Anfrage (Standard: 10)."
        )
        parser.add_argument(
            "--workers", type=int, default=8, help="Anfragen gleichzeitig (Standard: 8)."
        )
        parser.add_argument(
            "--per-host",
            type=int,
            default=2,
            help="Anfragen gleichzeitig an denselben Server (Standard: 2).",
        )
        parser.add_argument(
            "--identifiers",
            action="store_true",
            help="Auch die Adressen von ROR, Crossref Funder ID und ORCID prüfen.",
        )
        parser.add_argument(
            "urls", nargs="*", help="Nur diese Adressen prüfen (Standard: alle der Website)."
        )

    def handle(self, *args, **options):
        if options["urls"]:
            urls = list(dict.fromkeys(options["urls"]))
        else:
            urls = sorted(collect_addresses(identifiers=options["identifiers"]))
        total = len(urls)
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False
        existing = {check.url: check for check in LinkCheck.objects.filter(url__in=urls)}
        problems = 0
        for done, result in enumerate(
            check_addresses(
                urls,
                agent=user_agent(),  # who checks: the archive, from the site's identity
                timeout=options["timeout"],
                workers=max(1, options["workers"]),
                per_host=max(1, options["per_host"]),
            ),
            start=1,
        ):
            self.store(result, existing.get(result.url))
            if result.state != LinkCheck.State.WORKING:
                problems += 1
                detail = result.error or result.new_url
                line = f"[{done}/{total}] {result.url}: {result.state.label}"
                self.stdout.write(f"{line} – {detail}" if detail else line)
            elif interactive:
                self.stdout.write(f"[{done}/{total}]", ending="\r")
        if not options["urls"]:
            # Addresses no longer shown anywhere are no longer checked.
            LinkCheck.objects.exclude(url__in=urls).delete()
        refresh_problem_links()
        content_changed.send(sender=LinkCheck)
        self.stdout.write(f"{total} Adressen geprüft, {problems} mit Befund.")
        if interactive:
            sys.stdout.flush()

    @staticmethod
    def store(result, check):
        now = timezone.now()
        check = check or LinkCheck(url=result.url)
        check.state = result.state
        check.status = result.status
        check.redirects = result.redirects
        check.new_url = result.new_url
        check.error = result.error
        check.checked_at = now
        if result.state in (LinkCheck.State.WORKING, LinkCheck.State.MOVED):
            check.last_ok = now
        with transaction.atomic():
            check.save()
