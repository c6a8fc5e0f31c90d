"""The website's pages that span the content apps, and its own: the timeline by decade,
robots.txt.

A project page shows roles (``people``), reports and interviews (``reports``); a person's
page the interviews the person gave or conducted; the filtered project list filters by
person. Their URLs keep their apps' names (``projects:detail``, ``projects:list``,
``people:detail``): ``clusterspace.urls`` adds these views to the apps' URL patterns.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from core.pagination import PagedMixin, page_or_404
from editors import accessibility
from pages.models import Page
from pages.views import PageView
from people.models import Person
from projects.models import Project
from reports.models import Interview, for_project_page

from . import timeline
from .filters import ProjectFilterForm, filter_choices


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


class StatementView(PageView):
    """The accessibility statement, with the editors' workplace as a part of the offer
    and its own state (``editors.accessibility``), where the text says
    "[Redaktionsbereich]"."""

    kind = Page.Kind.BARRIEREFREIHEIT

    def get_context_data(self, **kwargs):
        return super().get_context_data(admin_state=accessibility.state(), **kwargs)


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


class DecadeView(PagedMixin, TemplateView):
    """The timeline of one decade: the published projects that ran in it, in pages.

    Only decades in which projects ran exist (``timeline.decades``); any other number
    in the address is a 404.
    """

    template_name = "website/timeline_decade.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        decade = self.kwargs["decade"]
        decades = timeline.decades()
        if decade not in decades:
            raise Http404("Zu diesem Jahrzehnt gibt es keine Zeitleiste.")
        page = page_or_404(
            timeline.in_decade(decade), timeline.DECADE_PAGE_SIZE, self.kwargs.get("page", 1)
        )
        position = decades.index(decade)
        # The URL's own arguments (decade, page) are in kwargs already.
        return super().get_context_data(
            last_year=decade + 9,
            page_obj=page,
            earlier=decades[position - 1] if position else None,
            later=decades[position + 1] if position + 1 < len(decades) else None,
            **timeline.timeline(page.object_list, years=(decade, decade + 9)),
            **kwargs,
        )


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    # Result pages of the search are endless variations: not for crawlers.
    for language in ("de", "en"):
        with translation.override(language):
            lines.append(f"Disallow: {reverse('search:search')}")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
