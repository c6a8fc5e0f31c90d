"""What the overview and a project page load, as prepared queries (``projects.prepared``).

The shapes come from the models' QuerySet methods (``for_project``, ``for_project_page``,
``published`` …); this module only fixes them and runs them with the page's values: a
project page's nine queries cost about 1 ms instead of about 7 ms. The results are
attached to the project as ``prefetch_related`` would attach them, so templates read
``project.fundings.all`` either way, and ``ProjectQuerySet.for_detail`` remains the
ORM's way to load the same (exports, tests).

People's roles, reports and interviews are reached through the project's reverse
relations, never by importing those apps.
"""

from operator import attrgetter

from .models import Funding, Organisation, Project, ProjectLink
from .prepared import PreparedQuery, attach, attach_grouped, ordering_through


def _related_model(relation):
    return Project._meta.get_field(relation).related_model


def interviewee_links():
    """Interviews' interviewees, as rows of the relation's own table with the person
    selected, in Person's order within each interview (as a prefetch would sort them).
    Filter them to the page's interviews; ``people.page_queries`` uses them too."""
    interviews = _related_model("interviews")
    through = interviews._meta.get_field("interviewees").remote_field.through
    return through.objects.select_related("person").order_by(
        "interview_id", *ordering_through(through, "person")
    )


def attach_interviewees(interviews, links):
    """Each interview its interviewees, from ``interviewee_links`` rows."""
    attach_grouped(
        interviews, "interviewees", links, attrgetter("interview_id"), attrgetter("person")
    )


_PUBLISHED_PROJECT = PreparedQuery(
    lambda slug: Project.objects.published().select_related("predecessor").filter(slug=slug)
)
_ANY_PROJECT = PreparedQuery(
    lambda slug: Project.objects.select_related("predecessor").filter(slug=slug)
)
_SUCCESSORS = PreparedQuery(
    lambda project_id: Project.objects.published().filter(predecessor_id=project_id)
)
_FUNDINGS = PreparedQuery(
    lambda project_id: Funding.objects.for_project().filter(project_id=project_id)
)
_LINKS = PreparedQuery(
    lambda project_id: ProjectLink.objects.order_by("position").filter(project_id=project_id)
)
_PARTNERS = PreparedQuery(
    lambda project_id: Organisation.objects.filter(partner_projects=project_id)
)
_ROLES = PreparedQuery(
    lambda project_id: (
        _related_model("roles").objects.for_project_page().filter(project_id=project_id)
    )
)
_REPORTS = PreparedQuery(
    lambda project_id: (
        _related_model("reports")
        .objects.published()
        .select_related("series")
        .filter(projects=project_id)
    )
)
_INTERVIEWS = PreparedQuery(
    lambda project_id: (
        _related_model("interviews")
        .objects.published()
        .select_related("interviewer")
        .filter(project_id=project_id)
        .order_by("position", "pk")
    )
)
_INTERVIEWEES = PreparedQuery(
    lambda project_id: interviewee_links().filter(
        interview__project_id=project_id, interview__published=True
    )
)


def project_for_page(slug, *, include_unpublished=False):
    """The project with this slug and everything its page shows, or None.

    Visitors see published projects only; editors (``include_unpublished``) see every
    project. Successors, reports and interviews are the published ones for both, as on
    the page before. Eight queries, nine when the project has interviews.
    """
    query = _ANY_PROJECT if include_unpublished else _PUBLISHED_PROJECT
    found = query.fetch(slug=slug)
    if not found:
        return None
    project = found[0]
    project_id = project.pk
    attach(project, "successors", _SUCCESSORS.fetch(project_id=project_id))
    attach(project, "fundings", _FUNDINGS.fetch(project_id=project_id))
    attach(project, "links", _LINKS.fetch(project_id=project_id))
    attach(project, "partners", _PARTNERS.fetch(project_id=project_id))
    attach(project, "roles", _ROLES.fetch(project_id=project_id))
    attach(project, "reports", _REPORTS.fetch(project_id=project_id))
    interviews = _INTERVIEWS.fetch(project_id=project_id)
    attach(project, "interviews", interviews)
    if interviews:
        attach_interviewees(interviews, _INTERVIEWEES.fetch(project_id=project_id))
    return project


_PUBLISHED_PROJECTS = PreparedQuery(lambda: Project.objects.published())
_FUNDINGS_OF_PUBLISHED = PreparedQuery(
    lambda: Funding.objects.in_project_order().filter(project__published=True)
)


def published_projects_for_listing():
    """The overview's projects with their fundings (``ProjectQuerySet.for_listing``):
    the published projects in Project's order, and the fundings of all published
    projects in one query, shared out by project. Two queries at any size."""
    projects = _PUBLISHED_PROJECTS.fetch()
    attach_grouped(projects, "fundings", _FUNDINGS_OF_PUBLISHED.fetch(), attrgetter("project_id"))
    return projects


_ORGANISATION = PreparedQuery(lambda slug: Organisation.objects.filter(slug=slug))


def _fundings_by(organisation_id):
    # The organisation page's order: the newest project first.
    return (
        Funding.objects.filter(organisation_id=organisation_id)
        .select_related("project")
        .order_by("-project__start_year", "-project__start_month")
    )


_FUNDINGS_OF_PUBLISHED_BY = PreparedQuery(
    lambda organisation_id: _fundings_by(organisation_id).filter(project__published=True)
)
_FUNDINGS_BY = PreparedQuery(_fundings_by)
_PUBLISHED_PARTNER_PROJECTS = PreparedQuery(
    lambda organisation_id: Project.objects.published().filter(partners=organisation_id)
)
_PARTNER_PROJECTS = PreparedQuery(
    lambda organisation_id: Project.objects.filter(partners=organisation_id)
)


def organisation_for_page(slug, *, include_unpublished=False):
    """``(organisation, fundings, partner_projects)`` for the organisation's page, or None.

    Fundings of, and partnerships in, published projects for visitors, of every project
    for editors (``include_unpublished``). Three queries.
    """
    found = _ORGANISATION.fetch(slug=slug)
    if not found:
        return None
    organisation = found[0]
    fundings_query = _FUNDINGS_BY if include_unpublished else _FUNDINGS_OF_PUBLISHED_BY
    partners_query = _PARTNER_PROJECTS if include_unpublished else _PUBLISHED_PARTNER_PROJECTS
    fundings = fundings_query.fetch(organisation_id=organisation.pk)
    organisation_field = Funding._meta.get_field("organisation")
    for funding in fundings:
        organisation_field.set_cached_value(funding, organisation)
    return organisation, fundings, partners_query.fetch(organisation_id=organisation.pk)
