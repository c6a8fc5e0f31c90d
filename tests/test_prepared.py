"""Prepared queries (projects.prepared) and the pages loaded with them (projects.page_queries).

The project page and the overview run their queries with SQL compiled once; what they
load must be exactly what the ORM's ``for_detail``/``for_listing`` load, in every
language, for visitors and editors, and always the rows as they are now.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from clusterspace.composition import projects_for_page
from people.models import Person
from projects.models import Organisation, Project
from projects.page_queries import project_for_page, published_projects_for_listing
from projects.prepared import PreparedQuery

pytestmark = pytest.mark.django_db


def _names(objects):
    return [(type(obj).__name__, obj.pk, str(obj)) for obj in objects]


def _page_relations(project):
    """Everything a project page reads of the project, as comparable values."""
    interviews = list(project.interviews.all())
    return {
        "project": (project.pk, str(project), project.updated_at, project.published),
        "predecessor": str(project.predecessor) if project.predecessor else None,
        "successors": _names(project.successors.all()),
        "fundings": [
            (f.pk, f.kind, f.display_name, str(f.organisation), f.eu_programme)
            for f in project.fundings.all()
        ],
        "links": [(link.pk, link.label, link.url) for link in project.links.all()],
        "partners": _names(project.partners.all()),
        "roles": [
            (role.pk, str(role.kind), str(role.person) if role.person else None, role.is_former)
            for role in project.roles.all()
        ],
        "reports": [(r.pk, str(r), r.series.title, r.year) for r in project.reports.all()],
        "interviews": [
            (i.pk, i.title, str(i.interviewer), _names(i.interviewees.all())) for i in interviews
        ],
    }


@pytest.mark.parametrize("language", ["de", "en"])
def test_project_page_loads_what_for_detail_loads(archive, language):
    with translation.override(language):
        for expected in projects_for_page(Project.objects.published()):
            loaded = project_for_page(expected.slug)
            assert _page_relations(loaded) == _page_relations(expected)


def test_editors_project_page_loads_what_for_detail_loads(archive):
    """Unpublished projects too, with an interview whose interviewees were added out of
    alphabetical order (the page lists them by name)."""
    _more_interviews()
    for expected in projects_for_page(Project.objects.all()):
        loaded = project_for_page(expected.slug, include_unpublished=True)
        assert _page_relations(loaded) == _page_relations(expected)


def test_project_page_relations_need_no_further_query(archive, django_assert_num_queries):
    # The Cross-Cluster Space has fundings, roles, a report and an interview.
    project = project_for_page("cross-cluster-space-hamburg")
    with django_assert_num_queries(0):
        relations = _page_relations(project)
        assert [funding.project for funding in project.fundings.all()] == [project] * len(
            relations["fundings"]
        )
    assert relations["interviews"] and relations["reports"] and relations["roles"]


def test_unpublished_project_is_for_editors_only(archive):
    Project.objects.filter(slug="alfaclu").update(published=False)
    assert project_for_page("alfaclu") is None
    assert project_for_page("alfaclu", include_unpublished=True).slug == "alfaclu"
    assert project_for_page("no-such-project", include_unpublished=True) is None


def test_unpublished_interviews_and_successors_stay_hidden(archive):
    project = Project.objects.get(code="P04")
    successor = Project.objects.get(predecessor=project)
    project.interviews.update(published=False)
    Project.objects.filter(pk=successor.pk).update(published=False)
    loaded = project_for_page(project.slug)
    assert list(loaded.successors.all()) == []
    assert list(loaded.interviews.all()) == []


def test_a_change_shows_on_the_next_load(archive):
    """Only the SQL is kept: each load reads the rows as they are now."""
    first = project_for_page("alfaclu")
    Project.objects.filter(slug="alfaclu").update(title_de="Geänderter Titel")
    second = project_for_page("alfaclu")
    assert first.title != "Geänderter Titel"
    assert second.title == "Geänderter Titel"


@pytest.mark.parametrize("language", ["de", "en"])
def test_overview_loads_what_for_listing_loads(archive, language):
    Project.objects.filter(slug="alfaclu").update(published=False)
    with translation.override(language):
        expected = list(Project.objects.published().for_listing())
        loaded = published_projects_for_listing()
    assert _names(loaded) == _names(expected)
    for mine, theirs in zip(loaded, expected, strict=True):
        assert _names(mine.fundings.all()) == _names(theirs.fundings.all())


def test_one_compiled_shape_serves_every_value(archive):
    by_slug = PreparedQuery(lambda slug: Person.objects.filter(slug=slug))
    assert [p.slug for p in by_slug.fetch(slug="anna-vogel")] == ["anna-vogel"]
    assert [p.slug for p in by_slug.fetch(slug="stephan-duschek")] == ["stephan-duschek"]
    assert by_slug.fetch(slug="nobody") == []
    assert by_slug.compiled_shapes() == 1


def test_each_language_gets_its_own_order(archive):
    """modeltranslation writes the language's column into the ordering."""
    organisations = PreparedQuery(lambda: Organisation.objects.all())
    for language in ("de", "en"):
        with translation.override(language):
            assert _names(organisations.fetch()) == _names(Organisation.objects.all())
    assert organisations.compiled_shapes() == 2


def test_a_parameter_that_does_not_reach_the_sql_is_refused(archive):
    lowered = PreparedQuery(lambda slug: Person.objects.filter(slug=slug.upper()))
    with pytest.raises(ImproperlyConfigured, match="slug"):
        lowered.fetch(slug="anna-vogel")


def test_a_flag_is_not_a_parameter(archive):
    by_flag = PreparedQuery(lambda published: Project.objects.filter(published=published))
    with pytest.raises(TypeError, match="one PreparedQuery per shape"):
        by_flag.fetch(published=True)


def test_attached_rows_are_read_not_queried(archive):
    project = project_for_page("cross-cluster-space-hamburg")
    fundings = project.fundings.all()
    assert fundings.count() == len(list(fundings)) == 2
    assert fundings.exists() and fundings.first() == fundings[0]
    with pytest.raises(TypeError, match="query the relation anew"):
        project.fundings.filter(kind="foerderer")


# -- The person page (people.page_queries) ----------------------------------------------


def _interviews_as_before(person, *, for_editor):
    """The person page's interviews as the ORM found them before the prepared queries."""
    from django.db.models import Q

    from reports.models import Interview

    interviews = Interview.objects.filter(Q(interviewer=person) | Q(interviewees=person))
    if not for_editor:
        interviews = interviews.filter(published=True, project__published=True)
    return (
        interviews.distinct()
        .select_related("project", "interviewer")
        .prefetch_related("interviewees")
        .order_by("project__position", "position", "pk")
    )


def _person_page(person, interviews):
    return {
        "person": (person.pk, person.full_name, person.affiliation),
        "roles": [
            (r.pk, str(r.kind), str(r.project), r.is_former, r.affiliation_as_listed)
            for r in person.roles.all()
        ],
        "interviews": [
            (i.pk, i.title, str(i.project), str(i.interviewer), _names(i.interviewees.all()))
            for i in interviews
        ],
    }


def _more_interviews():
    """Besides the archive's one: an unpublished interview, and a published one on an
    unpublished project, each with two interviewees."""
    from reports.models import Interview

    anna = Person.objects.get(slug="anna-vogel")
    elke = Person.objects.get(slug="elke-jochmann")
    stephan = Person.objects.get(slug="stephan-duschek")
    hidden = Interview.objects.create(
        project=Project.objects.get(code="P04"), title="Entwurf", interviewer=elke
    )
    hidden.interviewees.add(anna)
    hidden.interviewees.add(stephan)
    Project.objects.filter(code="P02").update(published=False)
    on_hidden_project = Interview.objects.create(
        project=Project.objects.get(code="P02"), title="Zu AlFaClu", published=True
    )
    # Vogel before Jochmann, both in the order of their rows and of their ids: the page
    # still lists them by name.
    on_hidden_project.interviewees.add(anna)
    on_hidden_project.interviewees.add(elke)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("for_editor", [False, True], ids=["visitor", "editor"])
def test_person_page_loads_what_the_orm_loads(archive, language, for_editor):
    from people.page_queries import person_for_page

    _more_interviews()
    people = Person.objects.for_listing()
    with translation.override(language):
        for expected in people if for_editor else people.public():
            person, interviews = person_for_page(expected.slug, for_editor=for_editor)
            assert _person_page(person, interviews) == _person_page(
                expected, _interviews_as_before(expected, for_editor=for_editor)
            )


def test_person_page_hides_unpublished_interviews_from_visitors(archive):
    from people.page_queries import person_for_page

    _more_interviews()
    _person, seen = person_for_page("elke-jochmann")
    _person, all_of_them = person_for_page("elke-jochmann", for_editor=True)
    assert [i.title for i in seen] == ["Cross-Cluster Space Hamburg"]
    assert sorted(i.title for i in all_of_them) == sorted(
        ["Cross-Cluster Space Hamburg", "Entwurf", "Zu AlFaClu"]
    )
    assert person_for_page("no-such-person", for_editor=True) is None


# -- The organisation page (projects.page_queries.organisation_for_page) ------------------


def _organisation_as_before(organisation, *, for_editor):
    """What the organisation page loaded with the ORM before the prepared queries."""
    visible = Project.objects.all() if for_editor else Project.objects.published()
    fundings = (
        organisation.fundings.filter(project__in=visible)
        .select_related("project")
        .order_by("-project__start_year", "-project__start_month")
    )
    return list(fundings), list(visible.filter(partners=organisation))


def _organisation_page(organisation, fundings, partner_projects):
    return {
        "organisation": (organisation.pk, str(organisation)),
        "fundings": [(f.pk, f.display_name, str(f.project), f.kind) for f in fundings],
        "partner projects": _names(partner_projects),
    }


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("for_editor", [False, True], ids=["visitor", "editor"])
def test_organisation_page_loads_what_the_orm_loads(archive, language, for_editor):
    from projects.page_queries import organisation_for_page

    # P02 (AlFaClu) is funded by the BMBF and has partners: hidden from visitors now.
    Project.objects.filter(code="P02").update(published=False)
    with translation.override(language):
        for organisation in Organisation.objects.all():
            loaded = organisation_for_page(organisation.slug, include_unpublished=for_editor)
            assert _organisation_page(*loaded) == _organisation_page(
                organisation, *_organisation_as_before(organisation, for_editor=for_editor)
            )
    assert organisation_for_page("no-such-organisation") is None


# -- The people index and the reports list ---------------------------------------------


@pytest.mark.parametrize("language", ["de", "en"])
def test_people_index_loads_what_for_listing_loads(archive, language):
    from people.page_queries import public_people_for_listing

    _more_interviews()  # P02 unpublished: its people without other roles leave the index
    with translation.override(language):
        expected = list(Person.objects.public().for_listing())
        loaded = public_people_for_listing()
    assert _names(loaded) == _names(expected)
    for mine, theirs in zip(loaded, expected, strict=True):
        assert [(r.pk, str(r.project), str(r.kind)) for r in mine.roles.all()] == [
            (r.pk, str(r.project), str(r.kind)) for r in theirs.roles.all()
        ]


@pytest.mark.parametrize("language", ["de", "en"])
def test_reports_list_loads_what_for_listing_loads(archive, language):
    from reports.models import AnnualReport
    from reports.page_queries import published_reports_for_listing

    # One report unpublished, and one belonging to an unpublished project as well.
    AnnualReport.objects.filter(year=2019).update(published=False)
    Project.objects.filter(code="P03").update(published=False)
    with translation.override(language):
        expected = list(AnnualReport.objects.published().for_listing())
        loaded = published_reports_for_listing()
    assert _names(loaded) == _names(expected)
    assert [_names(r.projects.all()) for r in loaded] == [
        _names(r.projects.all()) for r in expected
    ]
    assert any(not r.projects.all() for r in loaded)  # the 2018 report of P03
