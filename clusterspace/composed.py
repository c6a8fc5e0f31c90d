"""Pages whose content spans apps, composed here so that the apps need not know each other.

A project page shows the project's roles (``people``) and its reports and interviews
(``reports``); a person's page shows the interviews the person gave or conducted
(``reports``); the filtered project list filters by person (``people``). Each app's
QuerySet methods load its own rows; the functions here join them with ``Prefetch``
objects, and the views load through them. Each page runs a fixed number of queries,
whatever the archive's size (``tests/test_queries.py``).

The URLs keep their apps' names (``projects:detail``, ``projects:list``,
``people:detail``): ``clusterspace.urls`` adds these views to the apps' URL patterns.
"""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.views.generic import DetailView, TemplateView

from people.models import Person, Role
from projects.models import Project
from reports.models import AnnualReport, Interview

from .filters import ProjectFilterForm, filter_choices


def for_project_page(projects):
    """``projects`` with everything a project page shows: the project's own relations
    (``ProjectQuerySet.for_page``), its roles with their holders, its published reports
    and its published interviews with their interviewers and interviewees. Eight
    queries for one project, nine when it has interviews."""
    return projects.for_page().prefetch_related(
        Prefetch("roles", queryset=Role.objects.for_project_page()),
        Prefetch("reports", queryset=AnnualReport.objects.for_project_page()),
        Prefetch("interviews", queryset=Interview.objects.for_project_page()),
    )


def interviews_on_person_page(person, user):
    """The interviews ``person`` gave or conducted: for visitors the published ones on
    published projects, for editors all. Two queries (the interviewees are prefetched)."""
    interviews = Interview.objects.all()
    if not user.is_staff:
        interviews = interviews.on_published_projects()
    return interviews.with_person(person)


class ProjectDetailView(DetailView):
    """A project with its fundings, links, partners, successors, roles, reports and
    interviews; editors also see an unpublished project (with a banner)."""

    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return for_project_page(Project.objects.visible_to(self.request.user))


class PersonDetailView(DetailView):
    """A person's roles on published projects and the interviews they gave or conducted.

    Visitors see people named on a published project or in a published interview;
    editors see everyone. Three queries, four when the person has interviews.
    """

    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        people = Person.objects.for_listing()
        return people if self.request.user.is_staff else people.public()

    def get_context_data(self, **kwargs):
        interviews = list(interviews_on_person_page(self.object, self.request.user))
        return super().get_context_data(interviews=interviews, **kwargs)


class ProjectFilterView(TemplateView):
    """All projects with filters (status, funder, person, year) in the URL; GET only.

    A value that names nothing is ignored with a note. Six queries: the choices (three),
    the count, the page of projects and their funders.
    """

    template_name = "projects/project_filter.html"
    # The overview's cards in the overview's pages (``ProjectListView``).
    paginate_by = 24

    def get_context_data(self, **kwargs):
        form = ProjectFilterForm(self.request.GET, **filter_choices())
        projects = form.apply(Project.objects.published().for_listing())
        page = Paginator(projects, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=form,
            page_obj=page,
            projects=page.object_list,
            filters_active=form.summary(),
            filters_ignored=form.ignored(),
            status_links=form.status_links(),
            **kwargs,
        )
