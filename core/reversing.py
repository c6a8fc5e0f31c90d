"""``reverse()`` remembered for the arguments that decide it (the URLconf, the language,
the script prefix, the arguments): the frame of every page links the same addresses, and
no content but the arguments enters the key (docs/performance.md).
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
