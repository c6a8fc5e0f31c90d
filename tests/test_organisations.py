"""Funders and partners: the index, identifiers, and a funder's name history."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from projects.history import name_history
from projects.models import Funding, Organisation, Project

from .factories import populate

pytestmark = pytest.mark.django_db


def test_index_lists_funders_with_projects_and_identifiers(client, archive):
    html = client.get(reverse("projects:organisations")).content.decode()
    assert html.count("<h1") == 1
    for slug in ("efre", "bwi", "bmbf"):
        assert Organisation.objects.get(slug=slug).get_absolute_url() in html
    assert "https://doi.org/10.13039/501100002347" in html  # BMBF's Crossref Funder ID
    assert "https://ror.org/04pz7b180" in html  # BMBF's ROR


def test_index_leaves_out_organisations_without_public_projects(client, archive):
    lonely = Organisation.objects.create(name="Stiftung ohne Projekte", slug="stiftung")
    html = client.get(reverse("projects:organisations")).content.decode()
    assert lonely.get_absolute_url() not in html
    Project.objects.filter(code__in=["P01", "P02"]).update(published=False)
    html = client.get(reverse("projects:organisations")).content.decode()
    assert Organisation.objects.get(slug="bmbf").get_absolute_url() not in html


def test_name_history_follows_the_projects_periods(archive):
    fundings = Funding.objects.filter(organisation__slug="bwi").select_related("project")
    history = name_history(fundings)
    assert [(entry.short_name, [p.code for p in entry.projects]) for entry in history] == [
        ("BWVI", ["P03"]),
        ("BWI", ["P04"]),
        ("BWI", [""]),
    ]
    assert history[0].name.startswith("Behörde für Wirtschaft, Verkehr und Innovation")
    assert history[-1].name.startswith("Behörde für Wirtschaft und Innovation")
    assert str(history[0].start) == "November 2016"


def test_organisation_page_shows_the_name_history(client, archive):
    html = client.get(Organisation.objects.get(slug="bwi").get_absolute_url()).content.decode()
    assert "Namen in den Projekten" in html
    assert "Verkehr und Innovation der Freien und Hansestadt Hamburg (BWVI)</th>" in html
    # One name only: no history.
    html = client.get(Organisation.objects.get(slug="efre").get_absolute_url()).content.decode()
    assert "Namen in den Projekten" not in html


def test_name_history_leaves_out_unpublished_projects(client, archive):
    Project.objects.filter(code="P03").update(published=False)
    html = client.get(Organisation.objects.get(slug="bwi").get_absolute_url()).content.decode()
    assert "Namen in den Projekten" in html  # P04 and the Cross-Cluster Space still differ
    assert "Innovation der Freien und Hansestadt Hamburg (BWVI)</th>" not in html


@pytest.mark.parametrize("size", [5, 100])
def test_index_query_count_is_fixed(client, django_assert_num_queries, size):
    populate(size)
    # The count, the page of organisations, their fundings and partner projects.
    with django_assert_num_queries(4):
        response = client.get(reverse("projects:organisations"))
    assert response.status_code == 200


def test_a_persons_roles_run_from_the_newest_project(client, archive):
    from people.models import Person

    person = Person.objects.for_listing().get(slug="stephan-duschek")
    starts = [role.project.start for role in person.roles.all()]
    assert starts == sorted(starts, reverse=True) and len(starts) == 5
    html = client.get(person.get_absolute_url()).content.decode()
    assert html.index("Cross-Cluster Space Hamburg") < html.index("Luftfahrtcluster")


@pytest.mark.parametrize(
    ("language", "more"), [("de", "und 3 weitere Projekte"), ("en", "and 3 more projects")]
)
def test_an_index_entry_names_a_dozen_projects_and_links_the_rest(client, db, language, more):
    """A funder of many projects is one short entry: its newest projects and a link to
    its page for the others (OrganisationQuerySet.for_index)."""
    from .factories import make_project

    funder = Organisation.objects.create(name="Großförderer", slug="gross")
    for n in range(15):
        project = make_project(n, code=f"T{n:02d}")
        Funding.objects.create(project=project, organisation=funder, name_as_listed="Großförderer")
    unpublished = make_project(99, code="T99", published=False)
    Funding.objects.create(project=unpublished, organisation=funder, name_as_listed="Großförderer")
    with translation.override(language):
        url = reverse("projects:organisations")
        funder_url = funder.get_absolute_url()
    html = client.get(url).content.decode()
    named = {f"T{n:02d}" for n in range(15)} & set(re.findall(r"T\d\d", html))
    assert len(named) == 12
    assert "T99" not in html
    assert more in html
    assert f'<a href="{funder_url}">{more}</a>' in html
