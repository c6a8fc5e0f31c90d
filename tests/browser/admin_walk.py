"""The admin as a new user finds it: every page linked from the start page, walked.

From the start page: every list its sections link (the dashboard's filtered lists too),
each list's add form, the change form of its first entry, that entry's history and a
version from it, and the list of deleted entries to restore. Pages are found by their
links, as a user finds them, not from the admin's registry.
"""

from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.test import Client

# Links on the start page that lead to lists, add forms or the account pages.
START_LINKS = "#content-main a[href], #content-related a[href]"


def sign_in(context, base_url, user):
    """A session for ``user`` in the browser context, without the login form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def links(page, selector):
    return [urljoin(page.url, href) for href in page.eval_on_selector_all(
        selector, "nodes => nodes.map(node => node.getAttribute('href'))"
    )]  # fmt: skip


def page_of(url):
    """``url`` without its query and fragment: a list filtered another way is the same
    page with other rows."""
    scheme, netloc, path, _query, _fragment = urlsplit(url)
    return urlunsplit((scheme, netloc, path, "", ""))


def same_admin(url, base_url, language):
    return url.startswith(f"{base_url}/{language}/admin/") and "/logout/" not in url


def admin_pages(page, base_url, language):
    """Yield ``(kind, url)`` for each admin page reached from the start page, once each
    (a list filtered another way is the same page), with the page loaded; the caller
    checks it while it is shown."""
    seen = set()

    def visit(kind, url):
        key = page_of(url)
        if key in seen:
            return False
        seen.add(key)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response.status}"
        seen.add(page_of(page.url))  # after a redirect
        return True

    start = f"{base_url}/{language}/admin/"
    visit("start page", start)
    yield "start page", start
    found = [url for url in links(page, START_LINKS) if same_admin(url, base_url, language)]
    for url in found:
        kind = "add form" if url.rstrip("/").endswith("/add") else "list"
        if not visit(kind, url):
            continue
        yield kind, page.url
        if kind != "list":
            continue
        # The list's own links: the first entry's change form, the deleted entries.
        entry = links(page, "#result_list tbody tr a[href]")[:1]
        recover = links(page, ".object-tools a.recoverlink")
        if page.locator("#result_list").count() == 0 and "/change/" in page.url:
            entry = []  # a list that opened its one record (django-solo)
            yield from record_pages(page, visit, base_url, language)
        for url in entry:
            if visit("change form", url):
                yield "change form", page.url
                yield from record_pages(page, visit, base_url, language)
        for url in recover:
            if visit("deleted entries", url):
                yield "deleted entries", page.url


def record_pages(page, visit, base_url, language):
    """From a change form: its deletion's confirmation, its history and the first
    version in it."""
    history = links(page, ".object-tools a.historylink")
    for url in links(page, ".submit-row a.deletelink"):
        if visit("delete confirmation", url):
            yield "delete confirmation", page.url
    for url in history:
        if visit("history", url):
            yield "history", page.url
            versions = [
                url
                for url in links(page, "#change-history tbody a[href]")
                if same_admin(url, base_url, language)
            ]
            for version in versions[:1]:
                if visit("version", version):
                    yield "version", page.url
