"""Month-precision dates: the source gives project durations as "04/2023", never days."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True, order=True)
class YearMonth:
    year: int
    month: int

    @classmethod
    def today(cls):
        today = datetime.date.today()
        return cls(today.year, today.month)

    @property
    def index(self):
        """Months since year 0, so that two months can be subtracted."""
        return self.year * 12 + self.month - 1

    def isoformat(self):
        """The value of a ``<time datetime>`` attribute: "2023-04"."""
        return f"{self.year:04d}-{self.month:02d}"

    def numeric(self):
        """The source's notation: "04/2023"."""
        return f"{self.month:02d}/{self.year:04d}"

    def __str__(self):
        return _month_name(self.year, self.month, get_language())


@lru_cache(maxsize=4096)
def _month_name(year, month, language):
    """ "April 2023" in ``language`` (the active one: the key only keeps languages apart).

    Remembered because Django's date formatting costs about 10 µs a call and a page names
    dozens of months; the answer depends only on the month and the language's formats.
    """
    # The day is needed only to reach Django's localised month names; it is never shown.
    return formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


def format_span(start, end):
    """ "April 2023 bis März 2026" in the active language."""
    if end is None:
        return _("seit %(start)s") % {"start": start}
    return _("%(start)s bis %(end)s") % {"start": start, "end": end}
