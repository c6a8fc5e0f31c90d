"""Funders and partners: the index, identifiers, and a funder's name history."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from projects.history import name_history
from projects.models import Funding, Organisation, Project

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


def test_a_persons_roles_run_from_the_newest_project(client, archive):
    from people.models import Person

    person = Person.objects.for_listing().get(slug="stephan-duschek")
    starts = [role.project.start for role in person.roles.all()]
    assert starts == sorted(starts, reverse=True) and len(starts) == 5
    html = client.get(person.get_absolute_url()).content.decode()
    assert html.index("Cross-Cluster Space Hamburg") < html.index("Luftfahrtcluster")


@pytest.mark.parametrize(
    ("language", "more"),
    [("de", "Förderer von mehr als 12 Projekten"), ("en", "Funder of more than 12 projects")],
)
def test_an_index_entry_names_up_to_a_dozen_projects_and_links_more(client, db, language, more):
    """A funder of a dozen published projects is named with all of them; a funder of
    more is one short entry that links its page, which lists them all
    (OrganisationQuerySet.for_index, with_index_projects)."""
    from tests.factories import make_project

    dozen = Organisation.objects.create(name="Zwölfförderer", slug="zwoelf")
    many = Organisation.objects.create(name="Großförderer", slug="gross")
    for n in range(13):
        project = make_project(n, code=f"T{n:02d}")
        Funding.objects.create(project=project, organisation=many, name_as_listed="Großförderer")
        if n < 12:
            Funding.objects.create(project=project, organisation=dozen, name_as_listed="Zwölf")
    unpublished = make_project(99, code="T99", published=False)
    Funding.objects.create(project=unpublished, organisation=dozen, name_as_listed="Zwölf")
    with translation.override(language):
        url = reverse("projects:organisations")
        many_url = many.get_absolute_url()
    html = client.get(url).content.decode()
    dozen_entry = html[html.index("Zwölfförderer") :].split("</li>")[0]
    many_entry = html[html.index("Großförderer") :].split("</li>")[0]
    assert set(re.findall(r"T\d\d", dozen_entry)) == {f"T{n:02d}" for n in range(12)}
    assert more not in dozen_entry
    assert re.findall(r"T\d\d", many_entry) == []
    assert f'<a href="{many_url}">{more}</a>' in many_entry
