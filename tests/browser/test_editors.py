"""An editor's workplace in Chromium: the start page, and a slug renamed and renamed back.

The editor signs in (German), finds what needs doing on the start page (axe-clean in
both languages) and follows a count to its list. She renames a project's slug and a
visitor follows the old address to the new one; she renames it back, and the same
visitor's browser (which keeps the redirect it saw) still lands on the page.
"""

import time

import pytest

from projects.models import Project

from .helpers import PASSWORD, describe, make_user, run_axe

pytestmark = pytest.mark.browser

CCS = "cross-cluster-space-hamburg"


@pytest.fixture
def editor(site):
    return make_user("editor")


@pytest.fixture
def editor_page(browser, site, editor):
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{site.url}/de/admin/login/")
    page.get_by_label("Benutzername").fill("redaktion")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{site.url}/de/admin/")
    yield page
    context.close()


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_start_page_says_what_needs_doing_and_is_accessible(editor_page, site, language):
    page = editor_page
    page.goto(f"{site.url}/{language}/admin/")
    heading = "Was zu tun ist" if language == "de" else "What needs doing"
    assert page.locator("h1").inner_text() == heading
    results = run_axe(page)
    assert results["violations"] == [], describe(results["violations"])

    # Each count links to the list of exactly those entries.
    placeholders = (
        "Jahresberichte sind noch Platzhalter-PDFs"
        if language == "de"
        else ("annual reports are still placeholder PDFs")
    )
    line = page.get_by_role("link", name=placeholders)
    count = int(line.locator("strong").inner_text())
    assert count == 5
    line.click()
    page.wait_for_load_state()
    assert page.locator("#result_list tbody tr").count() == count
    # The sections follow the work; the administration is not the editor's.
    page.goto(f"{site.url}/{language}/admin/")
    captions = page.locator("#content-main caption").all_text_contents()
    expected = ["Inhalte", "Website", "Prüfungen"] if language == "de" else [
        "Content", "Website", "Checks",
    ]  # fmt: skip
    assert [caption.strip() for caption in captions] == expected


def new_context(browser):
    context = browser.new_context(locale="de-DE")
    context.set_default_timeout(10_000)
    return context


def rename(page, site, project, slug):
    page.goto(f"{site.url}/de/admin/projects/project/{project.pk}/change/")
    page.locator("#id_slug").fill(slug)
    page.get_by_role("button", name="Sichern", exact=True).click()
    page.wait_for_url(f"{site.url}/de/admin/projects/project/")
    assert page.locator(".messagelist .success").count() == 1


def test_a_slug_renamed_and_renamed_back_never_loops(browser, editor_page, site):
    project = Project.objects.get(slug=CCS)
    first, second = f"{site.url}/de/projekte/{CCS}/", f"{site.url}/de/projekte/ccs-neu/"
    visitor_context = new_context(browser)
    visitor = visitor_context.new_page()
    try:
        assert visitor.goto(first).status == 200

        rename(editor_page, site, project, "ccs-neu")
        visitor.goto(first)
        assert visitor.url == second  # followed the permanent redirect, and keeps it

        time.sleep(2)  # the redirect was fresh: its lifetime, too, is short
        rename(editor_page, site, project, CCS)
        response = visitor.goto(first)
        assert visitor.url == first and response.status == 200
        assert visitor.locator("h1").inner_text().startswith("Cross-Cluster Space Hamburg")
        visitor.goto(second)
        assert visitor.url == first
    finally:
        visitor_context.close()
