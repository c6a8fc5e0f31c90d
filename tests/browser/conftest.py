"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Run with ``make test`` (or ``pytest tests/browser``). Without Chromium at
``/usr/bin/chromium`` (``apt-get install chromium``) or without Playwright the tests skip
and say why; in CI (``CI=true``) a missing browser fails them instead. Screenshots for a
human look go to ``test-artifacts/screenshots/`` (named at the end of the test output).
"""

import os

# The live server runs Django's ORM in a thread while Playwright's event loop runs in the
# test's: Django would refuse that as "async-unsafe" unless told before it checks.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
SCREENSHOT_DIR = Path("test-artifacts") / "screenshots"

_screenshots = []


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.hookimpl(tryfirst=True)  # before "-m 'not browser'" deselects by the marker
def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason):
    if in_ci():
        pytest.fail(f"{reason}; CI (CI=true) runs the browser tests and never skips them.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _context(browser, **options):
    context = browser.new_context(locale="de-DE", **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="session")
def desktop_context(browser):
    context = _context(browser, viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture(scope="session")
def phone_context(browser):
    context = _context(
        browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield context
    context.close()


@pytest.fixture(scope="session")
def desktop(desktop_context):
    """The desktop tab, reused by every test (1280 x 800)."""
    page = desktop_context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="session")
def phone(phone_context):
    """The phone tab, reused by every test (375 x 667, touch, device pixel ratio 2)."""
    page = phone_context.new_page()
    yield page
    page.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The live server with the archive's content (and its placeholder PDFs) loaded.

    The live server runs in another thread, so the data must be committed: hence
    ``transactional_db`` (tables are emptied after each test) rather than ``db``.
    """
    call_command("load_archive", verbosity=0, stdout=StringIO())
    return live_server


@pytest.fixture(scope="session")
def screenshot_dir(request):
    folder = request.config.rootpath / SCREENSHOT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(screenshot_dir):
    def take(page, name):
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        _screenshots.append(path)
        return path

    return take


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from .helpers import ADMIN_AXE_NODES, ADMIN_AXE_PAGES, AXE_COUNTS

    if AXE_COUNTS:
        by_type = {}
        for (page_type, _language, _device), count in AXE_COUNTS.items():
            by_type.setdefault(page_type, []).append(count)
        terminalreporter.write_line(
            "axe-core, WCAG 2.0/2.1 A and AA: violations per page type "
            "(summed over the languages and devices checked):"
        )
        for page_type, counts in by_type.items():
            terminalreporter.write_line(f"  {page_type}: {sum(counts)} (in {len(counts)} checks)")
    if ADMIN_AXE_PAGES:
        walks = "; ".join(f"{' '.join(walk)}: {pages}" for walk, pages in ADMIN_AXE_PAGES.items())
        nodes = sum(ADMIN_AXE_NODES.values())
        terminalreporter.write_line(
            f"axe-core on {sum(ADMIN_AXE_PAGES.values())} admin pages ({walks}): "
            f"{nodes} nodes in violation"
        )
    if ADMIN_AXE_NODES:
        by_rule = {}
        for (who, language, scheme, rule), nodes in ADMIN_AXE_NODES.items():
            by_rule.setdefault(rule, []).append(f"{who} {language} {scheme}: {nodes}")
        terminalreporter.write_line("axe-core on the admin's pages: nodes in violation per rule:")
        for rule, counts in sorted(by_rule.items()):
            terminalreporter.write_line(f"  {rule}: {'; '.join(counts)}")
    if _screenshots:
        folder = _screenshots[0].parent
        if folder.is_relative_to(config.rootpath):
            folder = folder.relative_to(config.rootpath)
        terminalreporter.write_line(
            f"Browser tests: {len(_screenshots)} screenshots for a human look in {folder}/"
        )
