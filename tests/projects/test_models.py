"""Rules the data must keep hold in the database, not only in forms."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from people.models import Person, Role, RoleKind
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries

from tests.factories import make_project

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_end_before_start_is_refused():
    refused(lambda: make_project(1, start_year=2023, start_month=4, end_year=2023, end_month=3))
    refused(lambda: make_project(2, start_year=2023, start_month=4, end_year=2022, end_month=12))
    assert make_project(3, start_year=2023, start_month=4, end_year=2023, end_month=4).pk


def test_month_out_of_range_is_refused():
    refused(lambda: make_project(1, start_month=13))
    refused(lambda: make_project(2, end_month=0))


def test_end_needs_year_and_month_together():
    refused(lambda: make_project(1, end_year=2024, end_month=None))


def test_project_codes_and_slugs_are_unique_but_code_may_be_empty():
    make_project(1, code="P01")
    refused(lambda: make_project(2, code="P01"))
    refused(lambda: make_project(3, slug="testprojekt-1"))
    make_project(4, code="")
    assert make_project(5, code="").pk


def test_one_report_per_series_and_year():
    series = ReportSeries.objects.create(title="Jahresbericht", slug="jb")
    AnnualReport.objects.create(series=series, year=2022, file="a.pdf")
    refused(lambda: AnnualReport.objects.create(series=series, year=2022, file="b.pdf"))


def test_deleting_a_referenced_person_or_funder_is_refused(archive):
    person = Person.objects.get(family_name="Duschek")
    with pytest.raises(ProtectedError):
        person.delete()
    funder = Organisation.objects.get(short_name="BMBF")
    with pytest.raises(ProtectedError):
        funder.delete()
    assert Person.objects.filter(family_name="Duschek").exists()


def test_status_follows_the_dates():
    assert make_project(1, start_year=2001, end_year=2002).status == Project.Status.COMPLETED
    assert make_project(2, start_year=2020, end_year=2099).status == Project.Status.ONGOING
    assert make_project(3, start_year=2098, end_year=2099).status == Project.Status.PLANNED
    ongoing = Project.objects.ongoing()
    assert [p.slug for p in ongoing] == ["testprojekt-2"]


def test_durations_are_months_in_the_page_language():
    from django.utils import translation

    project = make_project(1, start_year=2023, start_month=4, end_year=2026, end_month=3)
    with translation.override("de"):
        assert project.duration == "April 2023 bis März 2026"
    with translation.override("en"):
        assert project.duration == "April 2023 to March 2026"


def test_role_shows_titles_as_listed_and_unnamed_holders(archive):
    p04 = Project.objects.get(code="P04")
    barkmann = p04.roles.get(person__family_name="Barkmann")
    assert barkmann.holder_name == "Tina Barkmann, M.A."
    assert barkmann.person.full_name == "Tina Barkmann, M.Sc."
    unnamed = Role.objects.get(person=None)
    assert unnamed.holder_name == "N.N."


def test_funding_keeps_the_name_of_its_time(archive):
    p03 = Funding.objects.get(project__code="P03", short_name_as_listed="BWVI")
    ccs = Funding.objects.get(project__code="", organisation=p03.organisation)
    assert "Verkehr" in p03.name_as_listed
    assert "Verkehr" not in ccs.name_as_listed
    assert RoleKind.objects.count() >= 6


@pytest.mark.parametrize("model", [Project, AnnualReport, Interview])
def test_unpublished_entries_are_for_editors_only(archive, model, admin_user):
    """The content models share publication (core.models.Publishable) and its QuerySet."""
    hidden = model.objects.order_by("pk").first()
    model.objects.filter(pk=hidden.pk).update(published=False)
    assert hidden not in model.objects.published()
    assert hidden not in model.objects.visible_to(AnonymousUser())
    assert hidden in model.objects.visible_to(admin_user)
    assert model.objects.visible_to(AnonymousUser()).count() == model.objects.count() - (
        model.objects.filter(published=False).count()
    )
