"""Pages run a fixed number of queries, however many projects, people and reports exist.

Each page type is rendered with the archive of 5 and of 500 generated projects (each
with a funder, three people in roles, a report and an interview): the same count at
both sizes. The content is made once per size for the whole module (inside a
transaction that is rolled back at the end, as Django's setUpTestData does).
"""

import pytest
from django.db import transaction
from django.urls import reverse

from people.models import Person
from projects.models import Organisation, Project

from .factories import populate

pytestmark = pytest.mark.django_db

SIZES = [5, 500]
PERSON_PAGE_QUERIES = 4
ORGANISATION_PAGE_QUERIES = 3
# The content version, the count, one page of results, the count per kind.
SEARCH_QUERIES = 4


@pytest.fixture(scope="module", params=SIZES, ids=lambda size: f"{size}-projects")
def size(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            populate(request.param)
            yield request.param
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_overview_query_count_is_fixed(client, django_assert_num_queries, size):
    with django_assert_num_queries(2):
        response = client.get(reverse("projects:index"))
    assert len(response.context["projects"]) == size


def test_project_page_query_count_is_fixed(client, django_assert_num_queries, size):
    project = Project.objects.order_by("?").first()
    with django_assert_num_queries(9):
        response = client.get(project.get_absolute_url())
    assert response.context["project"] == project


def test_report_list_query_count_is_fixed(client, django_assert_num_queries, size):
    with django_assert_num_queries(2):
        response = client.get(reverse("reports:list"))
    assert len(response.context["reports"]) == size


def test_people_index_query_count_is_fixed(client, django_assert_num_queries, size):
    with django_assert_num_queries(2):
        response = client.get(reverse("people:index"))
    assert sum(len(people) for _, people in response.context["groups"]) == size * 3


def test_person_page_query_count_is_fixed(client, django_assert_num_queries, size):
    # Someone who holds a role and gave and conducted an interview: the fullest page.
    person = Person.objects.filter(interviews_conducted__isnull=False).order_by("?").first()
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        response = client.get(person.get_absolute_url())
    assert response.context["person"] == person


def test_organisation_page_query_count_is_fixed(client, django_assert_num_queries, size):
    funder = Organisation.objects.get(slug="testfoerderer")
    with django_assert_num_queries(ORGANISATION_PAGE_QUERIES):
        response = client.get(funder.get_absolute_url())
    assert response.status_code == 200


def test_search_query_count_is_fixed(client, django_assert_num_queries, size):
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(reverse("site:search"), {"q": "Testprojekt"})
    assert response.status_code == 200
