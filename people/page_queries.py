"""What a person's page loads, as prepared queries (``projects.prepared``).

The same rows as ``PersonQuerySet.for_listing`` and the interviews the person gave or
conducted, with SQL compiled once per connection and language instead of on every
request. Interviews belong to the ``reports`` app, which builds on this one: they are
reached through the person's reverse relations, never by importing that app.
"""

from django.db.models import Q

from projects.prepared import PreparedQuery, attach, ordering_through

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
    """The interviewees of every interview the person gave or conducted, as rows of the
    relation's own table with the person selected, in Person's order per interview."""
    interview = Person._meta.get_field("interviews_conducted").related_model
    through = interview._meta.get_field("interviewees").remote_field.through
    return (
        through.objects.filter(
            Q(interview__interviewer_id=person_id) | Q(interview__interviewees=person_id)
        )
        .distinct()
        .select_related("person")
        .order_by("interview_id", *ordering_through(through, "person"))
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
    roles = _ROLES.fetch(person_id=person.pk)
    for role in roles:
        Role._meta.get_field("person").set_cached_value(role, person)
    attach(person, "roles", roles)
    interviews = (_ALL_INTERVIEWS if for_editor else _PUBLISHED_INTERVIEWS).fetch(
        person_id=person.pk
    )
    if interviews:
        people = {interview.pk: [] for interview in interviews}
        for link in _INTERVIEWEES.fetch(person_id=person.pk):
            if link.interview_id in people:
                people[link.interview_id].append(link.person)
        for interview in interviews:
            attach(interview, "interviewees", people[interview.pk])
    return person, interviews


_PUBLIC_PEOPLE = PreparedQuery(lambda: Person.objects.public())
_ROLES_ON_PUBLISHED_PROJECTS = PreparedQuery(lambda: Role.objects.for_person_page())


def public_people_for_listing():
    """The people index: ``Person.objects.public().for_listing()``, in two queries at any
    size: the people, and every role on a published project, shared out by person (a
    role on a published project is what makes its holder public)."""
    people = _PUBLIC_PEOPLE.fetch()
    roles = {person.pk: [] for person in people}
    for role in _ROLES_ON_PUBLISHED_PROJECTS.fetch():
        if role.person_id in roles:
            roles[role.person_id].append(role)
    person_field = Role._meta.get_field("person")
    for person in people:
        for role in roles[person.pk]:
            person_field.set_cached_value(role, person)
        attach(person, "roles", roles[person.pk])
    return people
