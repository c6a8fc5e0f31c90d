"""The project list's filters: status, funder, person, year; combinable, in the URL."""

import pytest
from django.urls import reverse

from projects.models import Project

from tests.factories import populate

pytestmark = pytest.mark.django_db


def listed(client, **params):
    response = client.get(reverse("projects:list"), params)
    assert response.status_code == 200
    return {project.code or project.slug for project in response.context["projects"]}, response


def test_without_filters_every_published_project_is_listed(client, archive):
    codes, _response = listed(client)
    assert codes == {"P01", "P02", "P03", "P04", "cross-cluster-space-hamburg"}


def test_filter_by_funder(client, archive):
    codes, _response = listed(client, funder="bmbf")
    assert codes == {"P01", "P02"}


def test_filter_by_person(client, archive):
    codes, _response = listed(client, person="anna-vogel")
    assert codes == {"P04", "cross-cluster-space-hamburg"}


def test_filter_by_year_means_running_in_that_year(client, archive):
    codes, _response = listed(client, year="2016")
    assert codes == {"P02", "P03"}  # P02 until 01/2017, P03 from 11/2016
    codes, _response = listed(client, year="2020")
    assert codes == {"P04"}  # P03 ended 10/2019, P04 began 06/2020


def test_filter_by_status(client, archive):
    Project.objects.filter(code="P04").update(end_year=2099, end_month=12)
    codes, _response = listed(client, status=Project.Status.ONGOING)
    assert codes == {"P04"}
    codes, _response = listed(client, status=Project.Status.COMPLETED)
    assert "P04" not in codes and "P01" in codes


def test_filters_combine(client, archive):
    codes, _response = listed(client, funder="efre", person="stephan-duschek", year="2018")
    assert codes == {"P03"}


def test_the_url_keeps_the_filters_and_the_form_shows_them(client, archive):
    _codes, response = listed(client, funder="efre", year="2021")
    html = response.content.decode()
    assert '<option value="efre" selected>' in html
    assert '<option value="2021" selected>' in html
    # Each active filter can be removed with a link that keeps the other one.
    assert 'href="?year=2021"' in html
    assert 'href="?funder=efre"' in html


def test_status_links_keep_the_other_filters(client, archive):
    _codes, response = listed(client, funder="efre")
    html = response.content.decode()
    assert 'href="?funder=efre&amp;status=abgeschlossen"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"funder": "gibt-es-nicht"},
        {"person": "<script>"},
        {"year": "abc"},
        {"year": "1800"},
        {"status": "irgendwie"},
        {"page": "999"},
        {"page": "-1"},
    ],
)
def test_unknown_values_are_ignored_calmly(client, archive, params):
    codes, response = listed(client, **params)
    assert len(codes) == 5
    html = response.content.decode()
    assert "<script>" not in html
    if "page" not in params:
        assert "wurde nicht angewandt" in html


def test_no_match_says_so(client, archive):
    codes, response = listed(client, funder="bmbf", year="2022")
    assert codes == set()
    assert "Keine Projekte passen" in response.content.decode()


def test_choices_name_only_public_funders_and_people(client, archive):
    hidden = Project.objects.get(code="P02")
    hidden.published = False
    hidden.save()
    html = listed(client)[1].content.decode()
    assert 'value="uta-voigt"' not in html  # only on P02
    assert 'value="bmbf"' in html  # still funds P01
    codes, _response = listed(client, person="uta-voigt")
    assert len(codes) == 4  # an unknown person: ignored, all four published projects


@pytest.mark.parametrize("size", [5, 100])
def test_filtered_list_query_count_is_fixed(client, django_assert_num_queries, size):
    # The choices (two), the years (three), the count, the page, its fundings.
    populate(size)
    with django_assert_num_queries(9):  # with the site's identity
        response = client.get(reverse("projects:list"), {"funder": "testfoerderer", "year": "2010"})
    assert response.status_code == 200


def test_too_many_people_or_funders_to_list_become_a_field_for_a_name(client, archive, monkeypatch):
    """Beyond CHOICE_LIMIT entries the page offers no select of everyone: a text field
    takes a name, and the slug of a link still works."""
    monkeypatch.setattr("website.filters.CHOICE_LIMIT", 2)
    codes, response = listed(client, person="Wulfsberg")
    html = response.content.decode()
    assert '<input type="text" name="person" value="Wulfsberg"' in html
    assert '<input type="text" name="funder"' in html
    assert '<option value="stephan-duschek"' not in html
    assert codes == {"P01"}
    assert "Person: Wulfsberg" in html  # the active filter, as typed
    codes, _response = listed(client, person="stephan-duschek")
    assert len(codes) == 5
    codes, _response = listed(client, funder="Bundesministerium")
    assert codes == {"P01", "P02"}
    codes, _response = listed(client, person="niemand-dieses-namens")
    assert codes == set()


def test_a_chairs_people_and_funders_are_offered_to_choose(client, archive):
    html = client.get(reverse("projects:list")).content.decode()
    assert '<select name="person"' in html and '<option value="stephan-duschek"' in html
    assert '<select name="funder"' in html
