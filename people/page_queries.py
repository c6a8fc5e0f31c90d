"""What a person's page loads, as prepared queries (``projects.prepared``).

The same rows as ``PersonQuerySet.for_listing`` and the interviews the person gave or
conducted, with SQL compiled once per connection and language instead of on every
request. Interviews belong to the ``reports`` app, which builds on this one: they are
reached through the person's reverse relations, never by importing that app.
"""

from operator import attrgetter

from django.db.models import Q

from projects.page_queries import attach_interviewees, interviewee_links
from projects.prepared import PreparedQuery, attach, attach_grouped

from .models import Person, Role


def _interviews_of(person_id):
    interview = Person._meta.get_field("interviews_conducted").related_model
    return interview.objects.filter(
        Q(interviewer_id=person_id) | Q(interviewees=person_id)
    ).distinct()


def _in_page_order(interviews):
    return interviews.select_related("project", "interviewer").order_by(
        "project__position", "position", "pk"
    )


def _interviewee_links(person_id):
    """The interviewees of every interview the person gave or conducted."""
    return (
        interviewee_links()
        .filter(Q(interview__interviewer_id=person_id) | Q(interview__interviewees=person_id))
        .distinct()
    )


_PUBLIC_PERSON = PreparedQuery(lambda slug: Person.objects.public().filter(slug=slug))
_ANY_PERSON = PreparedQuery(lambda slug: Person.objects.filter(slug=slug))
_ROLES = PreparedQuery(lambda person_id: Role.objects.for_person_page().filter(person_id=person_id))
_PUBLISHED_INTERVIEWS = PreparedQuery(
    lambda person_id: _in_page_order(
        _interviews_of(person_id).filter(published=True, project__published=True)
    )
)
_ALL_INTERVIEWS = PreparedQuery(lambda person_id: _in_page_order(_interviews_of(person_id)))
_INTERVIEWEES = PreparedQuery(_interviewee_links)


def person_for_page(slug, *, for_editor=False):
    """``(person, interviews)`` for the person's page, or None.

    Visitors see people named on a published project or in a published interview, and
    the interviews that are published on published projects; editors see everyone and
    every interview. Roles are those on published projects for both, as on the index.
    Three queries, four when the person gave or conducted interviews.
    """
    found = (_ANY_PERSON if for_editor else _PUBLIC_PERSON).fetch(slug=slug)
    if not found:
        return None
    person = found[0]
    attach(person, "roles", _ROLES.fetch(person_id=person.pk))
    interviews = (_ALL_INTERVIEWS if for_editor else _PUBLISHED_INTERVIEWS).fetch(
        person_id=person.pk
    )
    if interviews:
        attach_interviewees(interviews, _INTERVIEWEES.fetch(person_id=person.pk))
    return person, interviews


_PUBLIC_PEOPLE = PreparedQuery(lambda: Person.objects.public())
_ROLES_ON_PUBLISHED_PROJECTS = PreparedQuery(lambda: Role.objects.for_person_page())


def public_people_for_listing():
    """The people index: ``Person.objects.public().for_listing()``, in two queries at any
    size: the people, and every role on a published project, shared out by person (a
    role on a published project is what makes its holder public)."""
    people = _PUBLIC_PEOPLE.fetch()
    attach_grouped(people, "roles", _ROLES_ON_PUBLISHED_PROJECTS.fetch(), attrgetter("person_id"))
    return people
