"""Who the people index lists: an ``IndexEntry`` for each person ``public()`` names,
kept in step by every change of what ``public()`` reads (people.models.refresh_index):
people, roles, projects, interviews and their interviewees, and bulk changes that say
so."""

import pytest

from core.signals import content_changed
from people import sorting
from people.models import IndexEntry, Person, Role, RoleKind
from reports.models import Interview

from tests.factories import make_project

pytestmark = pytest.mark.django_db


def indexed():
    return set(IndexEntry.objects.values_list("person__slug", flat=True))


def assert_in_step():
    """The index holds exactly whom public() names, under the keys of their names."""
    assert indexed() == set(Person.objects.public().values_list("slug", flat=True))
    for entry in IndexEntry.objects.select_related("person"):
        keys = sorting.index_keys(entry.person.given_name, entry.person.family_name)
        assert keys == {name: getattr(entry, name) for name in keys}


@pytest.fixture
def kind(db):
    return RoleKind.objects.create(name="Bearbeitung", slug="bearbeitung")


def person(slug):
    return Person.objects.create(given_name="Vorname", family_name=slug.title(), slug=slug)


def test_the_archive_loaded_raw_is_indexed_as_public_says(archive):
    assert len(indexed()) == 19
    assert_in_step()


def test_a_role_indexes_its_holder_and_leaves_with_them(kind):
    project = make_project(1)
    anna, ben = person("anna"), person("ben")
    assert indexed() == set()
    role = Role.objects.create(project=project, kind=kind, person=anna)
    assert indexed() == {"anna"}
    role.person = ben  # given to someone else
    role.save()
    assert indexed() == {"ben"}
    role.delete()
    assert indexed() == set()
    assert_in_step()


def test_a_renamed_person_is_filed_anew(kind):
    anna = person("anna")
    Role.objects.create(project=make_project(1), kind=kind, person=anna)
    anna.family_name = "Zander"
    anna.save()
    assert IndexEntry.objects.get(person=anna).initial == "z"


def test_a_project_unpublished_or_published_again_changes_its_people(kind):
    project = make_project(1)
    Role.objects.create(project=project, kind=kind, person=person("anna"))
    other = make_project(2)
    Role.objects.create(project=other, kind=kind, person=person("ben"))
    project.published = False
    project.save()
    assert indexed() == {"ben"}
    project.published = True
    project.save()
    assert indexed() == {"anna", "ben"}
    project.delete()  # its roles go with it
    assert indexed() == {"ben"}
    assert_in_step()


def test_interviews_index_their_interviewer_and_interviewees(db):
    project = make_project(1)
    anna, ben, cleo = person("anna"), person("ben"), person("cleo")
    interview = Interview.objects.create(project=project, title="Gespräch", interviewer=anna)
    assert indexed() == set()  # not published yet
    interview.published = True
    interview.save()
    assert indexed() == {"anna"}
    interview.interviewees.add(ben, cleo)
    assert indexed() == {"anna", "ben", "cleo"}
    interview.interviewees.remove(cleo)
    assert indexed() == {"anna", "ben"}
    cleo.interviews_given.add(interview)  # from the person's side
    assert indexed() == {"anna", "ben", "cleo"}
    interview.interviewer = None
    interview.save()
    assert indexed() == {"ben", "cleo"}
    interview.interviewees.clear()
    assert indexed() == set()
    interview.interviewees.add(ben)
    interview.delete()
    assert indexed() == set()
    assert_in_step()


def test_a_bulk_change_that_says_so_indexes_everyone_anew(kind):
    project = make_project(1)
    Role.objects.create(project=project, kind=kind, person=person("anna"))
    type(project).objects.filter(pk=project.pk).update(published=False)
    assert indexed() == {"anna"}  # no signal yet
    content_changed.send(sender=type(project))
    assert indexed() == set()
    assert_in_step()


def test_an_index_change_leaves_the_persons_row_as_the_editor_saved_it(kind):
    # The index is a table of its own: a role given elsewhere changes no person's row,
    # so an editor who has that person open meets no edit conflict.
    anna = person("anna")
    stored = Person.objects.filter(pk=anna.pk).values().get()
    Role.objects.create(project=make_project(1), kind=kind, person=anna)
    assert indexed() == {"anna"}
    assert Person.objects.filter(pk=anna.pk).values().get() == stored
