"""The public pages, rendered once per content version and served from the cache.

Every change to the content (a save, a deletion or a changed many-to-many relation of a
model of ``settings.CONTENT_APPS``, or ``core.signals.content_changed``) raises the
one-row ``ContentVersion`` in the database (``pagecache.apps``). ``PageCacheMiddleware``
keys every page on it, except the pages of single entries, which are keyed on the
versions of the entries they show (``pagecache.entries``, ``EntryVersion``):

* the content version is read from the cache, where it is kept for
  ``PAGE_CACHE_VERSION_SECONDS`` after it was read from the database and forgotten the
  moment a change commits, so a hit needs no database and a change still shows on the
  next request. A cache of each process's own (local memory) cannot learn of another
  process's change: with it the setting is 0 and the version is read from the database
  on every request;
* ``ETag`` and ``Last-Modified`` come from the content version: a browser that has the
  page asks with ``If-None-Match`` and gets a 304 before anything is rendered;
* a rendered page is kept in the cache (``CACHE_URL``: local memory by default, Redis or
  memcached for several app servers), one entry per address (scheme, host, path with
  its language, the query string's parameters in sorted order), with the digest of what
  it was rendered from: the content version, the release (templates, code,
  translations, static manifest) and today's date (a project's status changes with the
  month). A hit is an entry whose digest is the current one; any other is rendered
  again and replaced;
* the page is kept as rendered and compressed (gzip, Brotli), each with the complete
  headers the middleware stack gave it, so a hit only picks the variant the browser
  accepts. The middleware comes first in MIDDLEWARE: a hit runs nothing else;
* the last good copy: an entry stays ``PAGE_CACHE_STALE_DAYS`` (7) days. While the
  database cannot be read (a version that cannot be read, a view that fails with the
  database's ``OperationalError`` or ``InterfaceError``), the page is served as it was
  last rendered, marked ``Cache-Status: clusterspace; hit; detail=stale`` (RFC 9211) for
  the operators; a page without one goes on to the site's 503 page
  (``clusterspace.views.unavailable``). Every answer from the cache names its state
  there: ``hit``, ``fwd=miss; stored`` or ``hit; detail=stale``.

Only anonymous ``GET``/``HEAD`` requests for pages below a language prefix take part:
requests with a session cookie (editors) or credentials and the admin pass by; only
successful HTML pages are stored, never one that sets a cookie, uses a CSRF token or a
CSP nonce, varies on anything but the cookie and the encoding, or is marked private,
no-cache or no-store. ``bulk_create`` and ``QuerySet.update`` send no model signals: code
that changes content with them sends ``core.signals.content_changed`` afterwards
(rendering pictures again, reading a report's file again), which raises the version too.
"""

import datetime
import functools
import gzip
import hashlib
import logging
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from core.caching import cache_call
from core.outages import database_unavailable

from . import entries
from .models import (  # noqa: F401 (opendata imports read_content_version from here)
    ENTRY_KEY,
    VERSION_KEY,
    query_content_version,
    read_content_version,
    read_entry_versions,
)

try:
    import brotli
except ImportError:  # pragma: no cover - installed with whitenoise[brotli]
    brotli = None

logger = logging.getLogger(__name__)

MAX_QUERY_STRING = 300
MIN_COMPRESS_BYTES = 200
# The page cache's name in the Cache-Status header (RFC 9211); nginx adds its own.
CACHE_NAME = "clusterspace"
HIT = "hit"
STORED = "fwd=miss; stored"
STALE = "hit; detail=stale"
# Response headers the middleware sets itself on every answer from the cache.
_OWN_HEADERS = {
    "cache-control",
    "cache-status",
    "content-encoding",
    "content-length",
    "date",
    "etag",
    "last-modified",
    "vary",
}
_ALLOWED_VARY = {"cookie", "accept-encoding"}


# -- The release ---------------------------------------------------------------------------


def _release_files():
    base = Path(settings.BASE_DIR)
    yield from sorted((base / "templates").rglob("*.html"))
    # The project's own packages: the apps and the configuration package.
    packages = {Path(config.path) for config in apps.get_app_configs()}
    for package in sorted(p for p in packages if p.parent == base):
        yield from sorted(p for p in package.rglob("*.py") if "migrations" not in p.parts)
    for locale_path in settings.LOCALE_PATHS:
        yield from sorted(Path(locale_path).rglob("*.mo"))
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        yield manifest


def compute_release():
    """A digest of everything besides the content that shapes a page.

    Several app servers on the same release share the cached pages; a new release
    (templates, code, translations, the stylesheet's hashed name) starts afresh even
    with a shared cache that outlives the restart. ``PAGE_CACHE_RELEASE`` overrides it.
    """
    configured = getattr(settings, "PAGE_CACHE_RELEASE", "")
    if configured:
        return configured
    digest = hashlib.blake2b(digest_size=8)
    base = Path(settings.BASE_DIR)
    for path in _release_files():
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
        digest.update(hashlib.blake2b(data, digest_size=16).digest())
    return digest.hexdigest()


# -- The middleware ------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def choose_encoding(accept_encoding):
    """The coding to send for an Accept-Encoding header: "br", "gzip" or "" (identity)."""
    codings = {}
    for part in accept_encoding.lower().split(","):
        name, _sep, params = part.strip().partition(";")
        quality = 1.0
        params = params.replace(" ", "")
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        codings[name.strip()] = quality
    wildcard = codings.get("*", 0.0)
    if brotli is not None and codings.get("br", wildcard) > 0:
        return "br"
    if codings.get("gzip", wildcard) > 0:
        return "gzip"
    return ""


def _normalised_query(query_string):
    """The parameters in a fixed order: "?b=2&a=1" and "?a=1&b=2" are one page.

    None is dropped, not even a tracking parameter: a page that links to itself with
    its parameters (filters, search) would otherwise hand one visitor's to the next.
    """
    if not query_string:
        return ""
    return urlencode(sorted(parse_qsl(query_string, keep_blank_values=True)))


class PageCacheMiddleware:
    """Conditional GET, a cache of rendered pages for anonymous visitors, and their last
    good copies while the database cannot be read.

    First in MIDDLEWARE after the request id and the outage page: a hit or a 304 is
    answered before any other middleware runs, so the stored answer carries the headers
    the whole stack added (security headers, Content-Security-Policy,
    Permissions-Policy, Content-Language …). These depend only on the settings and the
    scheme, which is part of the key; a page whose policy carries a nonce is never
    stored. See the module's docstring for what takes part.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.release = None
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
        admin = settings.ADMIN_URL.strip("/")
        self.excluded = tuple(f"{prefix}{admin}/" for prefix in self.prefixes)
        self.session_cookie = f"{settings.SESSION_COOKIE_NAME}="
        self._day = (None, 0.0, 0.0)  # (date, its midnight, the next midnight) as Unix times
        if getattr(settings, "PAGE_CACHE", False):
            # Once, at start (in gunicorn's master with preload_app), not per worker.
            self.release = compute_release()

    def __call__(self, request):
        if not getattr(settings, "PAGE_CACHE", False) or not self._eligible(request):
            return self.get_response(request)
        cache = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
        address = self._address(request)
        key = _cache_key(address)
        # With the content version kept in the cache, it comes with the page: one round trip.
        keys = [key, VERSION_KEY] if getattr(settings, "PAGE_CACHE_VERSION_SECONDS", 0) else [key]
        found = cache_call("page cache: reading", cache.get_many, keys) or {}
        stored = found.get(key)
        # An entry's page is keyed on the entries it showed, kept with it.
        stored_tags = stored[3] if stored is not None and len(stored) > 3 else None
        try:
            digest, last_modified, state = self._key(
                cache, address, stored_tags, found.get(VERSION_KEY)
            )
        except DatabaseError as error:
            # The database cannot be read: the page as last served. Without one it is
            # rendered; if that fails too, the site's 503 page answers.
            logger.warning("page cache: the versions cannot be read: %r", error)
            return self._last_good_copy(request, stored) or self.get_response(request)
        meta = request.META
        if_none_match = meta.get("HTTP_IF_NONE_MATCH")
        if if_none_match and self._etag_matches(if_none_match, digest):
            return self._not_modified(digest, last_modified, HIT)

        encoding = choose_encoding(meta.get("HTTP_ACCEPT_ENCODING", ""))
        if stored is not None and stored[0] == digest:
            if not if_none_match and "HTTP_IF_MODIFIED_SINCE" in meta:
                since = parse_http_date_safe(meta["HTTP_IF_MODIFIED_SINCE"])
                if since is not None and int(last_modified) <= since:
                    return self._not_modified(digest, last_modified, HIT)
            return self._respond(stored[2], encoding, HIT)

        if state is None:  # an entry's page: the content version, to compare after it
            try:
                digest, last_modified, state = self._key(
                    cache, address, None, found.get(VERSION_KEY)
                )
            except DatabaseError:
                return self._last_good_copy(request, stored) or self.get_response(request)
        with entries.collecting() as shown:
            response = self.get_response(request)
        if response.get("Cache-Status", "").startswith(CACHE_NAME):
            return response  # the last good copy (process_exception): stored already
        if not self.storable(request, response):
            return response
        tags = self._entry_tags(request, shown)
        if tags is not None:
            # Keyed on the entries' versions as they are now; a save that committed while
            # the page was rendered may be missing from it: then it is not kept.
            try:
                if self._content_version(cache) != state:
                    return response
                digest, last_modified, _state = self._key(cache, address, tags)
            except DatabaseError:
                return response
        entry = self._entry(response, digest, last_modified)
        # Kept as long as it may serve as the last good copy; a newer one replaces it.
        timeout = getattr(settings, "PAGE_CACHE_STALE_DAYS", 7) * 24 * 60 * 60
        cache_call(
            "page cache: storing",
            cache.set,
            _cache_key(address),
            (digest, last_modified, entry, tags),
            timeout,
        )
        return self._respond(entry, encoding, STORED)

    def process_exception(self, request, exception):
        """A view that failed because the database is unavailable: the page as last
        served, if there is one (otherwise None: the next handler answers)."""
        if not (
            database_unavailable(exception)
            and getattr(settings, "PAGE_CACHE", False)
            and self._eligible(request)
        ):
            return None
        cache = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
        stored = cache_call("page cache: reading", cache.get, _cache_key(self._address(request)))
        return self._last_good_copy(request, stored)

    def _content_version(self, cache):
        """The content version: from the cache while it is younger than
        PAGE_CACHE_VERSION_SECONDS, else from the database (then kept in the cache).
        Raises DatabaseError when the database has to be asked and cannot answer."""
        seconds = getattr(settings, "PAGE_CACHE_VERSION_SECONDS", 0)
        if seconds:
            state = cache_call("page cache: reading the content version", cache.get, VERSION_KEY)
            if state is not None:
                return state
        state = query_content_version()
        if seconds:
            # add(), not set(): a version read before a change committed never replaces
            # the one read after it.
            cache_call(
                "page cache: storing the content version", cache.add, VERSION_KEY, state, seconds
            )
        return state

    def _entry_versions(self, cache, tags):
        """The versions of the entries named by ``tags``, in their order: from the cache,
        else from the database (then kept in the cache like the content version). Raises
        DatabaseError when the database has to be asked and cannot answer."""
        seconds = getattr(settings, "PAGE_CACHE_VERSION_SECONDS", 0)
        keys = [ENTRY_KEY + tag for tag in tags]
        found = {}
        if seconds:
            found = cache_call("page cache: reading versions", cache.get_many, keys) or {}
        missing = [tag for tag, key in zip(tags, keys, strict=True) if key not in found]
        if missing:
            read = {ENTRY_KEY + tag: v for tag, v in read_entry_versions(missing).items()}
            if seconds:
                # set_many, not add(): one round trip for a page's entries. A version read
                # just before a change committed may outlive it by at most ``seconds``.
                cache_call("page cache: storing versions", cache.set_many, read, seconds)
            found.update(read)
        return [found[key] for key in keys]

    def _entry_tags(self, request, shown):
        """The tags a rendered page is keyed on: None for a page keyed on the content
        version (every page but an entry's, and an entry's that shows too many)."""
        match = request.resolver_match
        if match is None or match.view_name not in settings.PAGE_CACHE_ENTRY_PAGES:
            return None
        if len(shown) > settings.PAGE_CACHE_MAX_ENTRIES:
            return None
        return (entries.EVERYTHING, *sorted(shown))

    def _last_good_copy(self, request, stored):
        """The page as it was last served, marked stale; None if there is none."""
        if stored is None:
            return None
        digest, last_modified, entry = stored[:3]
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match and self._etag_matches(if_none_match, digest):
            return self._not_modified(digest, last_modified, STALE)
        return self._respond(
            entry, choose_encoding(request.META.get("HTTP_ACCEPT_ENCODING", "")), STALE
        )

    # Which requests and responses take part.

    def _eligible(self, request):
        if request.method not in ("GET", "HEAD"):
            return False
        path = request.path_info
        if not path.startswith(self.prefixes) or path.startswith(self.excluded):
            return False
        meta = request.META
        if self.session_cookie in meta.get("HTTP_COOKIE", "") or "HTTP_AUTHORIZATION" in meta:
            return False
        return len(meta.get("QUERY_STRING", "")) <= MAX_QUERY_STRING

    def storable(self, request, response):
        """Whether a rendered page may be kept for every anonymous visitor."""
        if request.method != "GET" or response.status_code != 200 or response.streaming:
            return False
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        vary = {part.strip().lower() for part in response.get("Vary", "").split(",")} - {""}
        if not vary <= _ALLOWED_VARY:
            return False
        # A policy with a nonce (django-csp writes it into the header when the page used
        # ``request.csp_nonce``) belongs to this one response.
        policies = response.get("Content-Security-Policy", "") + response.get(
            "Content-Security-Policy-Report-Only", ""
        )
        if "'nonce-" in policies:
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    # Keys, validators and answers.

    def _midnight(self):
        """Today's date in the site's time zone and its midnight, recomputed once a day."""
        day, midnight, next_midnight = self._day
        now = time.time()
        if not (midnight <= now < next_midnight):
            zone = timezone.get_current_timezone()
            day = timezone.localdate()
            midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=zone).timestamp()
            following = day + datetime.timedelta(days=1)
            next_midnight = datetime.datetime.combine(
                following, datetime.time(), tzinfo=zone
            ).timestamp()
            self._day = day, midnight, next_midnight
        return day, midnight

    @staticmethod
    def _address(request):
        """What names a page: scheme, host, path (with its language) and parameters."""
        meta = request.META
        return "\n".join(
            (
                request.scheme,
                meta.get("HTTP_HOST", ""),
                request.path,
                _normalised_query(meta.get("QUERY_STRING", "")),
            )
        )

    def _key(self, cache, address, tags, content_version=None):
        """The digest of what a page is rendered from (its ETag), its Last-Modified, and
        the content version it is keyed on (``content_version`` if read already); for an
        entry's page (``tags``) the entries' versions instead, each the time of its last
        change in nanoseconds, and None. Raises DatabaseError when a version cannot be
        read."""
        if self.release is None:
            self.release = compute_release()
        day, midnight = self._midnight()
        if tags:
            state = None
            versions = self._entry_versions(cache, tags)
            changed_at = max(versions) / 1e9
            material = " ".join(map(str, versions))
        else:
            state = content_version or self._content_version(cache)
            version, changed_at = state
            material = f"{version} {changed_at!r}"
        material = "\n".join((self.release, material, day.isoformat(), address))
        digest = hashlib.blake2b(material.encode(), digest_size=16).hexdigest()
        return digest, max(changed_at, midnight), state

    @staticmethod
    def _etag_matches(header, digest):
        if header.strip() == "*":
            return True
        return any(tag.removeprefix("W/") == f'"{digest}"' for tag in parse_etags(header))

    @staticmethod
    def _not_modified(digest, last_modified, cache_status):
        response = HttpResponseNotModified()
        response.headers["ETag"] = f'W/"{digest}"'
        response.headers["Last-Modified"] = http_date(last_modified)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["Vary"] = "Cookie, Accept-Encoding"
        response.headers["Cache-Status"] = f"{CACHE_NAME}; {cache_status}"
        return response

    @staticmethod
    def _entry(response, digest, last_modified):
        """What the cache keeps: (status, {encoding: (headers, body)}).

        The body in every useful encoding, each with its complete headers: a hit only
        picks one.
        """
        common = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in _OWN_HEADERS
        }
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        if "accept-encoding" not in {v.lower() for v in vary}:
            vary.append("Accept-Encoding")
        common["Vary"] = ", ".join(vary)
        # Revalidate every time: an unchanged page costs a 304, a change shows at once.
        common["Cache-Control"] = "no-cache"
        common["ETag"] = f'W/"{digest}"'
        common["Last-Modified"] = http_date(last_modified)

        body = response.content
        bodies = {"": body}
        if len(body) >= MIN_COMPRESS_BYTES:
            bodies["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
            if brotli is not None:
                bodies["br"] = brotli.compress(body, mode=brotli.MODE_TEXT, quality=6)
        variants = {}
        for encoding, data in bodies.items():
            headers = dict(common)
            if encoding:
                headers["Content-Encoding"] = encoding
            headers["Content-Length"] = str(len(data))
            variants[encoding] = (headers, data)
        return response.status_code, variants

    @staticmethod
    def _respond(entry, encoding, cache_status):
        status, variants = entry
        if encoding not in variants:
            encoding = "gzip" if encoding == "br" and "gzip" in variants else ""
        headers, body = variants[encoding]
        response = HttpResponse(body, status=status, headers=headers)
        response.headers["Cache-Status"] = f"{CACHE_NAME}; {cache_status}"
        return response


def _cache_key(address):
    return "page:" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
