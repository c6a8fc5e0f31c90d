"""Pages run a fixed number of queries, however many projects, people and reports exist.

Each page type is rendered with the archive of 5 and of 500 generated projects (each
with a funder, three people in roles, a report and an interview): the same count at
both sizes; the lists show one page of it (core.pagination). The content is made
once per size for the whole module (inside a transaction that is rolled back at the
end, as Django's setUpTestData does).
"""

import pytest
from django.db import transaction
from django.urls import reverse

from people.models import Person
from projects.models import Organisation, Project

from tests.factories import populate

pytestmark = pytest.mark.django_db

SIZES = [5, 500]
# Every page reads the site's identity once (pages.SiteIdentity, website.context_processors):
# one query of each count below.
PERSON_PAGE_QUERIES = 5
# The organisation (with whether it has funded and partner projects and its first and
# last name), the page of its funded projects, their fundings by it. No partner projects
# here (no query), one name (nothing to count).
ORGANISATION_PAGE_QUERIES = 4
# The number of matches per kind (also the count), the ids of one page of results in
# their order, and the page's texts with their matches marked.
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
    # The count, the page of projects, their fundings; the timeline's newest projects
    # and its decades (the first and last year, whether one runs on: three).
    with django_assert_num_queries(8):
        response = client.get(reverse("projects:index"))
    assert response.context["page_obj"].paginator.count == size
    assert len(response.context["projects"]) == min(size, 24)


def test_overview_page_2_query_count_is_fixed(client, django_assert_num_queries, size):
    if size <= 24:
        assert client.get(reverse("projects:index-page", args=[2])).status_code == 404
        return
    # The count, the page of projects, their fundings: no timeline on further pages.
    with django_assert_num_queries(4):
        response = client.get(reverse("projects:index-page", args=[2]))
    assert len(response.context["projects"]) == 24


def test_decade_page_query_count_is_fixed(client, django_assert_num_queries, size):
    # The decades (three), the count, the page of the decade's projects.
    with django_assert_num_queries(6):
        response = client.get(reverse("website:timeline", args=[2000]))
    assert len(response.context["rows"]) == min(size, 50)


def test_organisation_index_query_count_is_fixed(client, django_assert_max_num_queries, size):
    # The count, the page of organisations, the fundings and partner projects of those
    # that have a dozen or fewer (at 500 projects the test funder has more: no query).
    with django_assert_max_num_queries(4):
        response = client.get(reverse("projects:organisations"))
    assert [org.slug for org in response.context["funders"]] == ["testfoerderer"]


def test_project_page_query_count_is_fixed(client, django_assert_num_queries, size):
    project = Project.objects.order_by("?").first()
    with django_assert_num_queries(10):
        response = client.get(project.get_absolute_url())
    assert response.context["project"] == project


def test_project_filter_query_count_is_fixed(client, django_assert_num_queries, size):
    # The funders and people to choose (at 500 projects too many: a text field, still one
    # query each), the years (three), the count, the page of projects, their fundings.
    with django_assert_num_queries(9):
        response = client.get(reverse("projects:list"), {"person": "Nachname1-1"})
    assert response.context["page_obj"].paginator.count >= 1


def test_report_list_query_count_is_fixed(client, django_assert_num_queries, size):
    # The page of reports with their series and one more, their projects: no count.
    with django_assert_num_queries(3):
        response = client.get(reverse("reports:list"))
    assert len(response.context["reports"]) == min(size, 12)
    assert response.context["page_obj"].has_next() == (size > 12)


def test_report_list_last_page_query_count_is_fixed(client, django_assert_num_queries, size):
    last = -(-size // 12)
    url = reverse("reports:list-page", args=[last]) if last > 1 else reverse("reports:list")
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(response.context["reports"]) == size - (last - 1) * 12
    assert not response.context["page_obj"].has_next()


def test_people_index_query_count_is_fixed(client, django_assert_num_queries, size):
    # A page of people and one more, in no order: at 5 projects all 15 fit (then their
    # roles), at 500 they do not (then the letter bar, an EXISTS per letter).
    with django_assert_num_queries(3):
        response = client.get(reverse("people:index"))
    if size * 3 <= 100:
        assert sum(len(people) for _, people in response.context["groups"]) == size * 3
    else:
        assert "groups" not in response.context
        assert [url for _, url, _ in response.context["letters"] if url] == [
            reverse("people:letter", args=["n"])  # every test person is a "Nachname…"
        ]


@pytest.mark.parametrize("where", ["first", "last"])
def test_people_letter_query_count_is_fixed(client, django_assert_num_queries, size, where):
    # The letter bar, the page of people and one more, their roles: no count.
    last = -(-size * 3 // 100)
    number = 1 if where == "first" else last
    args = ["n"] if number == 1 else ["n", number]
    with django_assert_num_queries(4):
        response = client.get(reverse("people:letter" + ("-page" if number > 1 else ""), args=args))
    assert len(response.context["people"]) == (
        min(size * 3, 100) if where == "first" else size * 3 - (last - 1) * 100
    )


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
    assert len(response.context["fundings"]) == min(size, 25)
    assert response.context["page_obj"].has_next() == (size > 25)


def test_organisation_last_page_query_count_is_fixed(client, django_assert_num_queries, size):
    funder = Organisation.objects.get(slug="testfoerderer")
    last = -(-size // 25)
    url = (
        reverse("projects:organisation-page", args=[funder.slug, last])
        if last > 1
        else funder.get_absolute_url()
    )
    with django_assert_num_queries(ORGANISATION_PAGE_QUERIES):
        response = client.get(url)
    assert len(response.context["fundings"]) == size - (last - 1) * 25


def test_organisation_page_with_partners_and_names_query_count_is_fixed(
    client, django_assert_num_queries, size
):
    # A partner in every project, funder of them all under two names: the page of its
    # partner projects and the names counted come in addition.
    funder = Organisation.objects.get(slug="testfoerderer")
    funder.partner_projects.set(Project.objects.all())
    renamed = funder.fundings.order_by("pk")[:2].values_list("pk", flat=True)
    funder.fundings.filter(pk__in=list(renamed)).update(
        name_as_listed="Förderer (früher)", name_as_listed_de="Förderer (früher)"
    )
    with django_assert_num_queries(ORGANISATION_PAGE_QUERIES + 2):
        response = client.get(funder.get_absolute_url())
    assert len(response.context["partner_projects"]) == min(size, 25)
    assert [entry.project_count for entry in response.context["name_history"]] in (
        [2, size - 2],
        [size - 2, 2],
    )


def test_search_query_count_is_fixed(client, django_assert_num_queries, size):
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(reverse("search:search"), {"q": "Testprojekt"})
    assert response.status_code == 200
