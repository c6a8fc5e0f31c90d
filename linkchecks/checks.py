"""External addresses: which the site shows, their state (``check_address``, standard
library only: docs/architecture.md) and the broken ones visitors see marked, read from
one cached mapping (``problem_links``), never one query per link.
"""

import http.client
import re
import socket
import ssl
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.caching import cache_call
from pages.models import SiteIdentity
from people.models import Person
from projects.models import Organisation, Project, ProjectLink
from reports.models import Interview

from .models import LinkCheck

# http(s) addresses inside plain text; a trailing full stop, comma or bracket ends a
# sentence, not the address.
URL_RE = re.compile(r"https?://[^\s<>\"'„“”]+[^\s<>\"'„“”.,;:!?)\]]")
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
PERMANENT_STATUSES = {301, 308}
MAX_REDIRECTS = 10
USER_AGENT = "clusterspace-linkcheck/1.0"
CACHE_KEY = "clusterspace:link-problems"
# With a per-process cache, check_links (another process) cannot refresh the workers'
# copies: each reads the states again after this long (seconds).
CACHE_TIMEOUT = 3600


# -- Which addresses the site shows -----------------------------------------------------


def addresses_in(text):
    return URL_RE.findall(text or "")


def _text_fields(names):
    """The German and English columns of translated text fields (modeltranslation)."""
    return [f"{name}_{code}" for name in names for code, _name in settings.LANGUAGES]


def collect_addresses(identifiers=False):
    """Every external address on the published pages: {address: where it is shown}."""
    found = {}

    def add(address, where):
        if address:
            found.setdefault(address, set()).add(where)

    projects = Project.objects.published()
    for url, title in ProjectLink.objects.filter(project__in=projects).values_list(
        "url", "project__title"
    ):
        add(url, title)
    interviews = Interview.objects.on_published_projects()
    texts = _text_fields(("teaser",))
    for row in interviews.values("title", "url", *texts):
        add(row["url"], row["title"])
        for name in texts:
            for url in addresses_in(row[name]):
                add(url, row["title"])
    texts = _text_fields(("description",))
    for row in projects.values("title", *texts):
        for name in texts:
            for url in addresses_in(row[name]):
                add(url, row["title"])
    texts = _text_fields(("description",))
    columns = ["name", "website", *texts]
    if identifiers:
        columns += ["ror_id", "crossref_funder_id"]
    for row in Organisation.objects.with_public_projects().values(*columns):
        add(row["website"], row["name"])
        for name in texts:
            for url in addresses_in(row[name]):
                add(url, row["name"])
        if identifiers:
            add(row["ror_id"], row["name"])
            if row["crossref_funder_id"]:
                add(f"https://doi.org/{row['crossref_funder_id']}", row["name"])
    if identifiers:
        for orcid, name in Person.objects.exclude(orcid="").values_list("orcid", "slug"):
            add(f"https://orcid.org/{orcid}", name)
    return found


# -- Checking one address ---------------------------------------------------------------


@dataclass
class Finding:
    url: str
    state: str
    status: int | None = None
    redirects: list = field(default_factory=list)
    new_url: str = ""
    error: str = ""


class HostLimits:
    """At most ``per_host`` requests at a time to one host, whatever the thread."""

    def __init__(self, per_host):
        self.per_host = per_host
        self.lock = threading.Lock()
        self.semaphores = {}

    def __call__(self, host):
        with self.lock:
            if host not in self.semaphores:
                self.semaphores[host] = threading.BoundedSemaphore(self.per_host)
            return self.semaphores[host]


# A header is sent as ISO-8859-1 at best: the names are written in ASCII.
_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                        "ß": "ss", "–": "-", "—": "-", "(": "", ")": ""})  # fmt: skip


def _ascii(text):
    text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return " ".join(text.encode("ascii", "ignore").decode().split())


def user_agent():
    """Who checks: the program, and the archive with its chair, institution and contact
    address, read from the site's identity (``pages.models.SiteIdentity``), so that a
    server's operator knows whom to ask; in ASCII, as headers are."""
    identity = SiteIdentity.current()
    with override("de"):
        about = ", ".join(
            _ascii(part)
            for part in (identity.title, identity.institution, identity.contact_email_address)
            if part
        )
    return f"{USER_AGENT} (+{about})" if about else USER_AGENT


def _request(url, method, timeout, context, agent=USER_AGENT):
    """(status, Location header) of one request. The body is never read: the status
    line and headers say all a check needs, and closing the connection ends an endless
    or trickling body."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    kwargs = {"context": context} if parts.scheme == "https" else {}
    connection = connection_class(parts.hostname, parts.port, timeout=timeout, **kwargs)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    headers = {"User-Agent": agent, "Accept": "*/*"}
    if method == "GET":
        headers["Range"] = "bytes=0-0"
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def _fetch(url, timeout, limits, context, agent):
    with limits(urlsplit(url).hostname or ""):
        status, location = _request(url, "HEAD", timeout, context, agent)
        # Servers that refuse or mishandle HEAD answer a ranged GET.
        if status == 501 or (400 <= status < 500 and status not in REDIRECT_STATUSES):
            status, location = _request(url, "GET", timeout, context, agent)
    return status, location


def _invalid(url):
    """Why ``url`` cannot be requested ("" when it can): no server, a bad port, spaces."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        return _("Keine gültige Adresse: %(error)s") % {"error": error}
    if not parts.hostname or any(char.isspace() for char in url):
        return _("Keine gültige Adresse: ohne Server oder mit Leerzeichen.")
    return ""


def check_address(url, timeout=10.0, limits=None, context=None, agent=USER_AGENT):
    """Check ``url``: follow redirects by hand (each recorded) and classify the answer.
    ``agent``: the User-Agent (``manage.py check_links`` sends ``user_agent()``)."""
    limits = limits or HostLimits(2)
    scheme = url.partition(":")[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        return Finding(
            url,
            LinkCheck.State.UNCHECKABLE,
            error=_("Nicht prüfbar: das Schema „%(scheme)s“ ist kein http oder https.")
            % {"scheme": scheme or "–"},
        )
    if invalid := _invalid(url):
        return Finding(url, LinkCheck.State.BROKEN, error=invalid)
    seen = {url}
    redirects = []
    current = url
    try:
        while True:
            status, location = _fetch(current, timeout, limits, context, agent)
            if status not in REDIRECT_STATUSES:
                break
            if not location:
                return Finding(
                    url,
                    LinkCheck.State.BROKEN,
                    status,
                    redirects,
                    error=_("Weiterleitung ohne Zieladresse."),
                )
            target = urljoin(current, location)
            redirects.append({"status": status, "url": target})
            if target in seen:
                loop = _("Weiterleitungsschleife.")
                return Finding(url, LinkCheck.State.BROKEN, status, redirects, error=loop)
            if len(redirects) > MAX_REDIRECTS:
                return Finding(
                    url,
                    LinkCheck.State.BROKEN,
                    status,
                    redirects,
                    error=_("Mehr als %(count)d Weiterleitungen.") % {"count": MAX_REDIRECTS},
                )
            if urlsplit(target).scheme not in ("http", "https"):
                return Finding(
                    url,
                    LinkCheck.State.BROKEN,
                    status,
                    redirects,
                    error=_("Weiterleitung auf eine Adresse, die nicht http oder https ist."),
                )
            if invalid := _invalid(target):
                return Finding(url, LinkCheck.State.BROKEN, status, redirects, error=invalid)
            seen.add(target)
            current = target
    except ssl.SSLError as error:
        return Finding(url, LinkCheck.State.UNREACHABLE, error=_short(_("TLS-Fehler"), error))
    except TimeoutError:
        return Finding(url, LinkCheck.State.UNREACHABLE, error=_("Zeitüberschreitung."))
    except ConnectionRefusedError:
        return Finding(url, LinkCheck.State.UNREACHABLE, error=_("Verbindung abgelehnt."))
    except socket.gaierror as error:
        return Finding(url, LinkCheck.State.UNREACHABLE, error=_short(_("DNS-Fehler"), error))
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Finding(url, LinkCheck.State.UNREACHABLE, error=_short(_("Fehler"), error))

    if 200 <= status < 300:
        # A chain that begins with permanent redirects: the address has moved for good.
        new_url = ""
        for hop in redirects:
            if hop["status"] not in PERMANENT_STATUSES:
                break
            new_url = hop["url"]
        if new_url:
            return Finding(url, LinkCheck.State.MOVED, status, redirects, new_url=new_url)
        return Finding(url, LinkCheck.State.WORKING, status, redirects)
    error = _("Antwort mit Status %(status)d.") % {"status": status}
    if status == 429:  # too many requests: the server is there, just not now
        return Finding(url, LinkCheck.State.UNREACHABLE, status, redirects, error=error)
    return Finding(url, LinkCheck.State.BROKEN, status, redirects, error=error)


def _short(prefix, error):
    return f"{prefix}: {error}"[:300]


def check_addresses(urls, timeout=10.0, workers=8, per_host=2, context=None, agent=USER_AGENT):
    """Check ``urls`` in parallel; yields each Finding as soon as it is known. The checks
    themselves read no database: the caller passes the User-Agent (``user_agent()``)."""
    limits = HostLimits(per_host)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(check_address, url, timeout, limits, context, agent) for url in urls]
        for future in as_completed(futures):
            yield future.result()


# -- What visitors see ------------------------------------------------------------------


def refresh_problem_links():
    """Read the broken and unreachable addresses into the cache (one query)."""
    problems = {
        url: (state, checked_at, last_ok)
        for url, state, checked_at, last_ok in LinkCheck.objects.problems().values_list(
            "url", "state", "checked_at", "last_ok"
        )
    }
    # A shared cache that is down: the next page reads them again.
    cache_call("link states: storing them", cache.set, CACHE_KEY, problems, CACHE_TIMEOUT)
    return problems


def forget_problem_links(**kwargs):
    """An editor changed a state: the next page reads them again."""
    # A shared cache that is down: the entry expires after CACHE_TIMEOUT.
    cache_call("link states: forgetting them", cache.delete, CACHE_KEY)


def problem_links():
    """{address: (state, last check, last working time or None)} of the broken and
    unreachable addresses: from the cache; read from the database only when the cache
    has none (once per CACHE_TIMEOUT and process with the default per-process cache)."""
    problems = cache_call("link states: reading them", cache.get, CACHE_KEY)
    if problems is None:
        problems = refresh_problem_links()
    return problems


def wayback_url(url, when):
    """The Internet Archive's copy of ``url`` nearest to ``when``."""
    return f"https://web.archive.org/web/{when:%Y%m%d%H%M%S}/{url}"


def _replace_in_text(text, old, new):
    return URL_RE.sub(lambda match: new if match.group(0) == old else match.group(0), text)


def replace_address(old, new):
    """Put ``new`` wherever the site shows ``old``: links, interviews, websites and the
    addresses inside texts. Each entry is saved through the ORM (its own save, so the
    page cache and the version history notice). Returns the entries changed."""
    changed = []
    for model, url_field, texts in (
        (ProjectLink, "url", []),
        (Interview, "url", _text_fields(("teaser",))),
        (Organisation, "website", _text_fields(("description",))),
        (Project, None, _text_fields(("description",))),
    ):
        query = Q(**{url_field: old}) if url_field else Q()
        for name in texts:
            query |= Q(**{f"{name}__contains": old})
        for entry in model.objects.filter(query):
            before = [getattr(entry, name) for name in (url_field, *texts) if name]
            if url_field and getattr(entry, url_field) == old:
                setattr(entry, url_field, new)
            for name in texts:
                if getattr(entry, name):
                    setattr(entry, name, _replace_in_text(getattr(entry, name), old, new))
            if [getattr(entry, name) for name in (url_field, *texts) if name] != before:
                entry.save()
                changed.append(entry)
    return changed
