"""Which failures are outages of a part the site depends on, not bugs.

A database that cannot be reached or answer in time (stopped, restarting, a query
cancelled by ``DATABASE_STATEMENT_TIMEOUT``) raises Django's ``OperationalError`` or
``InterfaceError``; a full upload disk raises ``OSError`` with ``ENOSPC`` (or
``EDQUOT``: a quota). Both pass without anybody changing code: visitors get the last good
copy of a page or a page saying so (503, 507), never the 500 page that is kept for bugs.
"""

import errno

from django.db import InterfaceError, OperationalError


def database_unavailable(error):
    """Whether ``error`` says the database could not be read or written right now."""
    return isinstance(error, (OperationalError, InterfaceError))


def storage_full(error):
    """Whether ``error`` says the upload storage has no room left."""
    return isinstance(error, OSError) and error.errno in {errno.ENOSPC, errno.EDQUOT}
