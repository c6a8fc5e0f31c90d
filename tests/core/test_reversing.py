"""core.reversing.reverse_cached: the same addresses as reverse(), whatever it remembers."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from core.reversing import reverse_cached
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_script_prefix():
    yield
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "/de/projekte/alfaclu/"), ("en", "/en/projects/alfaclu/")],
)
def test_each_language_gets_its_own_address(language, expected):
    with translation.override(language):
        assert reverse_cached("projects:detail", slug="alfaclu") == expected
        assert reverse_cached("projects:detail", slug="alfaclu") == reverse(
            "projects:detail", kwargs={"slug": "alfaclu"}
        )


def test_a_site_below_a_path_links_below_it(restore_script_prefix):
    """Behind a proxy that serves the site at /archiv/ (SCRIPT_NAME), every link says so."""
    with translation.override("de"):
        assert reverse_cached("projects:index") == "/de/"
        set_script_prefix("/archiv/")
        assert reverse_cached("projects:index") == "/archiv/de/"


def test_a_new_slug_is_a_new_address_at_once(archive):
    project = Project.objects.get(slug="alfaclu")
    with translation.override("de"):
        assert project.get_absolute_url() == "/de/projekte/alfaclu/"
        project.slug = "alfaclu-neu"
        project.save()
        assert Project.objects.get(pk=project.pk).get_absolute_url() == "/de/projekte/alfaclu-neu/"
