"""The static export's search page in Chromium: served by a static server with the live
site's Content-Security-Policy, it searches in the browser; without JavaScript it says so."""

from io import StringIO

import pytest
from django.core.management import call_command

from .helpers import describe, run_axe
from tests.search.queries import live as live_search
from tests.siteexport.test_static_export import QuietHandler, static_server

pytestmark = pytest.mark.django_db


class PolicyHandler(QuietHandler):
    """A static file server that sends the live site's Content-Security-Policy."""

    policy = ""

    def end_headers(self):
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()


@pytest.fixture
def exported(client, tmp_path):
    call_command("load_archive", stdout=StringIO())
    call_command("export_site", str(tmp_path / "site"), stdout=StringIO())
    policy = client.get("/de/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    handler = type("Handler", (PolicyHandler,), {"policy": policy})
    with static_server(tmp_path / "site", handler) as origin:
        yield origin


def test_the_exported_search_finds_and_shows_results_under_the_sites_policy(
    exported, browser, desktop
):
    problems = []
    desktop.on("console", lambda message: message.type == "error" and problems.append(message))
    desktop.goto(f"{exported}/de/suche/?q=Muehlbach")
    desktop.wait_for_selector(".search-results li")
    assert not problems, [message.text for message in problems]

    live = live_search("Muehlbach")
    links = desktop.eval_on_selector_all(
        ".search-results .search-result__title", "links => links.map(a => a.getAttribute('href'))"
    )
    # The same results as the live search; the order may differ (the live search ranks
    # in the database, the static page by its own field weights).
    assert sorted(links) == sorted(result.url for result in live)
    assert desktop.input_value("#search-q") == "Muehlbach"
    assert len(live) > 1  # the summary below counts
    summary = desktop.text_content(".search-summary")
    assert f"{len(live)} Treffer für „Muehlbach“" in summary
    assert desktop.title().startswith("Suche: Muehlbach – ")
    violations = run_axe(desktop)["violations"]
    assert not violations, describe(violations)

    desktop.goto(f"{exported}/en/search/?q=Raumfahrtagentur")
    desktop.wait_for_selector(".search-summary")
    assert "0 results for" in desktop.text_content(".search-summary")
    assert desktop.locator("#offline-search a[href='/en/projects/']").count() == 1


def test_without_javascript_the_exported_search_page_says_so(exported, browser):
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{exported}/de/suche/?q=Muehlbach")
        assert "braucht JavaScript" in page.text_content("main")
        links = page.eval_on_selector_all("main a", "as => as.map(a => a.getAttribute('href'))")
        assert {"/de/projekte/", "/de/personen/", "/de/organisationen/"} <= set(links)
    finally:
        context.close()
