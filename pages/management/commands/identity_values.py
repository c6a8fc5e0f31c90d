"""Print the site's identity as NAME=value lines for deploy/render.py.

nginx's own error pages (deploy/errors/*.html) are static: no app answers when they are
shown. They name the archive, the chair and the university from the identity record
(pages.models.SiteIdentity), rendered at installation and again after the identity
changed:

    .venv/bin/python manage.py identity_values > identity.values
    python3 deploy/render.py deploy/errors/50x.html --values identity.values > …/50x.html

The values are German (the pages' first language) and escaped for HTML.
"""

from django.core.management.base import BaseCommand
from django.utils.html import escape

from pages.models import SiteIdentity

# Placeholder → the identity's field (its German column).
VALUES = {"ARCHIVE_NAME": "name", "CHAIR": "chair", "INSTITUTION": "institution"}


def identity_values(identity):
    """{placeholder: HTML-escaped German value} of ``identity``; empty fields give "–"."""
    values = {}
    for name, field in VALUES.items():
        value = " ".join((getattr(identity, f"{field}_de", "") or "").split())
        values[name] = escape(value or "–")
    return values


class Command(BaseCommand):
    help = (
        "Gibt die Identität der Website als NAME=Wert-Zeilen für deploy/render.py aus "
        "(nginx' Fehlerseiten, deploy/errors/)."
    )

    def handle(self, *args, **options):
        for name, value in identity_values(SiteIdentity.current()).items():
            self.stdout.write(f"{name}={value}")
