"""The shared cache (Redis, memcached) as a help, never a condition: a call that fails is
logged and counts as a miss, so pages and the admin work while the cache is down."""

import logging

logger = logging.getLogger(__name__)


def cache_call(what, method, *args):
    """``method(*args)`` of a cache, or None (logged as ``what``) when it cannot be reached."""
    try:
        return method(*args)
    except Exception as error:  # the cache's driver: connection refused, timeout …
        logger.warning("%s failed: %r", what, error)
        return None
