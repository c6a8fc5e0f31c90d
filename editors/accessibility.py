"""The editors' workplace (the admin) as a part of the offer, with its own state of
accessibility: the accessibility statement shows it where its text says
"[Redaktionsbereich]" (``website.views.StatementView``), generated from here and from the admin's
sections, as the list of documents is generated from the reports' upload checks.

What the state rests on is tested in a browser on every change:
``tests/browser/test_admin_accessibility.py`` (axe-core on every admin page of the
editor's journey) and ``tests/browser/test_admin_keyboard.py`` (the journey by keyboard,
every focused control named). A barrier found later goes into ``GAPS``; the state
follows from it.
"""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .sites import SECTIONS

# What of the admin is known not to be accessible yet, one sentence each.
GAPS = [
    _(
        "Die Darstellung bei 320 Pixel Breite und bei 200 % Vergrößerung wurde im "
        "Redaktionsbereich nicht geprüft; die Tabellen der Listen lassen sich dort "
        "waagerecht verschieben."
    ),
]


def state():
    """What the statement says of the admin: whether it conforms (no gap known), its
    gaps, and its parts (``parts()``)."""
    return {"conforms": not GAPS, "gaps": GAPS, "parts": parts()}


def parts():
    """The names of what editors edit in the admin, by section, as the start page lists
    them: ``[(section, [plural name, …])]``."""
    found = []
    for _slug, section, members in SECTIONS:
        names = []
        for app, model_name, label in members:
            model = apps.get_model(app, model_name)
            if admin.site.is_registered(model):
                names.append(label or model._meta.verbose_name_plural)
        if names:
            found.append((section, names))
    return found
