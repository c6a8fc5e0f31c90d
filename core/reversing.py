"""``reverse()`` for the pages' own links, remembered for the arguments that decide it.

A project page links about forty addresses of the site, and Django's ``reverse()`` costs
about 15 µs each on this machine class. Its answer depends on nothing but the URLconf
(code), the active language (``/de/projekte/…``, ``/en/projects/…``), the script prefix
(the site may be served below a path) and the arguments, so the answer is remembered for
exactly those. No content enters the key but the arguments themselves: a changed slug is
a new key, and the new address shows at once.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


@lru_cache(maxsize=8192)
def _reverse(viewname, kwargs, language, script_prefix, urlconf):
    # The key's language, prefix and URLconf are the thread's current ones, so Django's
    # reverse() below answers for exactly this key.
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def reverse_cached(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``; keyword arguments must be strings or numbers."""
    return _reverse(
        viewname,
        tuple(sorted(kwargs.items())),
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )
