"""The EU emblem and statement on the pages of EU-funded projects (``{% load
eu_publicity %}``), chosen by the funding's ``eu_programme``. The statements are the
EU's own wordings per language, not interface text, so they live here (docs/pages.md).
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()

EFRE_2014_2020 = "efre-2014-2020"
EFRE_2021_2027 = "efre-2021-2027"

# Per programme and language: the lines of the statement beside the emblem. The first
# line is the one the regulation requires; further lines name the fund.
STATEMENTS = {
    EFRE_2021_2027: {
        "de": ("Kofinanziert von der Europäischen Union",),
        "en": ("Co-funded by the European Union",),
    },
    EFRE_2014_2020: {
        "de": ("Europäische Union", "Europäischer Fonds für regionale Entwicklung"),
        "en": ("European Union", "European Regional Development Fund"),
    },
}

EMBLEM_LABELS = {
    "de": "Emblem der Europäischen Union",
    "en": "Emblem of the European Union",
}

# Newest period first, should a project ever be funded from both.
ORDER = (EFRE_2021_2027, EFRE_2014_2020)


@dataclass(frozen=True)
class EUNotice:
    programme: str
    lines: tuple
    emblem_label: str


def _in_language(wordings):
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return wordings.get(language) or wordings[settings.LANGUAGE_CODE]


def notices_for(fundings):
    """The notices a project's fundings call for: one per EU programme, newest first."""
    programmes = {funding.eu_programme for funding in fundings if funding.eu_programme}
    return [
        EUNotice(programme, _in_language(STATEMENTS[programme]), _in_language(EMBLEM_LABELS))
        for programme in ORDER
        if programme in programmes
    ]


@register.simple_tag
def eu_notices(project):
    """``{% eu_notices project as notices %}``: the project's EU notices, in the page's
    language. Reads ``project.fundings.all()``, so it uses the prefetched fundings of
    ``website.views.for_project_page`` and runs no query of its own."""
    return notices_for(project.fundings.all())
