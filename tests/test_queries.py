"""Pages run a fixed number of queries, however many projects, people and reports exist."""

import pytest
from django.urls import reverse

from projects.models import Project

from .factories import populate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [5, 200])
def test_overview_query_count_is_fixed(client, django_assert_num_queries, size):
    populate(size)
    with django_assert_num_queries(2):
        response = client.get(reverse("projects:index"))
    assert len(response.context["projects"]) == size


@pytest.mark.parametrize("size", [5, 200])
def test_project_page_query_count_is_fixed(client, django_assert_num_queries, size):
    populate(size)
    project = Project.objects.order_by("?").first()
    with django_assert_num_queries(10):
        response = client.get(project.get_absolute_url())
    assert response.context["project"] == project


@pytest.mark.parametrize("size", [5, 200])
def test_report_list_query_count_is_fixed(client, django_assert_num_queries, size):
    populate(size)
    with django_assert_num_queries(2):
        response = client.get(reverse("reports:list"))
    assert len(response.context["reports"]) == size


@pytest.mark.parametrize("size", [5, 200])
def test_people_index_query_count_is_fixed(client, django_assert_num_queries, size):
    populate(size)
    with django_assert_num_queries(2):
        response = client.get(reverse("people:index"))
    assert sum(len(people) for _, people in response.context["groups"]) == size * 3
