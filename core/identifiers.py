"""Research identifiers: checks that say what is wrong, in German."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORCID_FORMAT = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_check_digit(digits):
    """The ORCID iD's last character for its first 15 digits (ISO 7064 MOD 11-2)."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value):
    """An ORCID iD as ORCID writes it: four groups of four, the last character a check."""
    if value.startswith(("http://", "https://", "orcid.org/")):
        raise ValidationError(
            _(
                "Bitte nur die Kennung eintragen, ohne „https://orcid.org/“, etwa "
                "0000-0002-1825-0097; die Website verlinkt sie selbst."
            ),
            code="orcid_url",
        )
    if not ORCID_FORMAT.match(value):
        raise ValidationError(
            _(
                "Eine ORCID iD hat vier Gruppen zu vier Zeichen mit Bindestrichen, etwa "
                "0000-0002-1825-0097 (nur Ziffern, am Ende auch X)."
            ),
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if orcid_check_digit(digits[:-1]) != digits[-1]:
        raise ValidationError(
            _(
                "Die Prüfziffer (das letzte Zeichen) passt nicht zu den übrigen Ziffern: "
                "vermutlich ein Tippfehler. Bitte die iD mit dem ORCID-Profil vergleichen."
            ),
            code="orcid_checksum",
        )


def validate_grant_number(value):
    """A grant number as the funder writes it (Förderkennzeichen): one line, no marks
    that would mean something else in a page or a file."""
    if not re.fullmatch(r"[A-Za-z0-9ÄÖÜäöüß][A-Za-z0-9ÄÖÜäöüß ./_()-]*", value):
        raise ValidationError(
            _(
                "Ein Förderkennzeichen besteht aus Buchstaben, Ziffern und den Zeichen "
                ". / - _ ( ) sowie Leerzeichen, wie im Zuwendungsbescheid, etwa 03IHS024A."
            ),
            code="grant_number",
        )
