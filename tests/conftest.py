"""Shared fixtures: the archive's content and a temporary media folder."""

import pytest
from django.core.management import call_command
from django.utils import translation


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads into its own folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def open_data_root(settings, tmp_path):
    """Open-data files (manage.py write_open_data) only where a test writes them: never
    the project's var/open-data/, so every other test gets the data built live."""
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    return settings.OPEN_DATA_ROOT


@pytest.fixture
def page_cache(settings):
    """The page cache switched on (it is off with DEBUG on), empty, with a fixed release."""
    from django.core.cache import caches

    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_RELEASE = "test"
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def archive(db):
    """The source page's content: five projects with their people, funders and reports,
    and the site's identity (the chair, its university …)."""
    from search import index as search_index

    with search_index.deferred():  # the search index written once, as load_archive does
        call_command("loaddata", "archive", "identity", verbosity=0)


@pytest.fixture(autouse=True)
def reset_language():
    """A request to an /en/ page activates English; the next test starts in German again."""
    yield
    translation.activate("de")


@pytest.fixture
def series(db):
    """The archive's report series, for tests that build reports of their own."""
    from reports.models import ReportSeries

    return ReportSeries.objects.create(
        title="Jahresbericht Hamburger Cluster",
        title_de="Jahresbericht Hamburger Cluster",
        title_en="Annual report Hamburg Cluster",
        slug="hamburger-cluster",
    )
