"""Date formats for the English pages: British, as the site's English is ("17 April 2024").

Django's own "en" formats are American ("April 17, 2024"); everything not set here comes
from them. German needs no module of its own: Django's "de" formats fit.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
