from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core.pagination import PagedMixin, PageWithoutCount, read_page

from .history import name_history_counted
from .models import INDEX_PROJECTS, Funding, Organisation, Project, with_index_projects


class ProjectListView(PagedMixin, ListView):
    """The overview: the published projects, newest first, as the source lists them."""

    template_name = "projects/project_list.html"
    context_object_name = "projects"
    # 24 cards: a few screens of teasers, and a whole number of rows in a grid of one,
    # two, three or four columns. The five real projects fit on one page.
    paginate_by = 24

    def get_queryset(self):
        # Editors also see unpublished projects (with a mark).
        return Project.objects.visible_to(self.request.user).for_listing()


class OrganisationDetailView(PagedMixin, DetailView):
    """An organisation with the projects it funds and those it is a partner in, both in
    pages, newest first.

    A funder like the EFRE funds a large share of the archive: its page shows the funded
    projects (each with its fundings by this organisation) and the partner projects in
    pages of ``paginate_by``; page n holds the n-th page of each list, so one page
    number (and one pagination) serves both. Each page is read off
    ``project_published_newest`` (for editors ``project_newest_first``) with one project
    more than a page, which says whether a next page exists: nothing counts or sorts the
    organisation's projects, and the page names its number without a total. The
    organisation's query also tells whether each list has any project at all, so that an
    empty one is not looked for.
    """

    template_name = "projects/organisation_detail.html"
    context_object_name = "organisation"
    # 25 projects per list, each a few lines: a long but readable page.
    paginate_by = 25

    def get_object(self, queryset=None):
        organisations = Organisation.objects.for_page(published_only=not self.request.user.is_staff)
        return get_object_or_404(organisations, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        organisation = self.object
        number = self.kwargs.get("page", 1)
        # Editors also see unpublished projects.
        projects = Project.objects.visible_to(self.request.user).newest_first()
        funded, more_funded = [], False
        if organisation.has_fundings:
            funded, more_funded = read_page(
                projects.funded_by(organisation), self.paginate_by, number
            )
        partner_projects, more_partners = [], False
        if organisation.has_partners:
            partner_projects, more_partners = read_page(
                projects.partnered_by(organisation), self.paginate_by, number
            )
        if number != 1 and not funded and not partner_projects:
            raise Http404(_("Diese Seite der Liste gibt es nicht."))
        fundings = Funding.objects.filter(organisation=organisation)
        if not self.request.user.is_staff:
            fundings = fundings.filter(project__published=True)
        fundings_page = (
            list(fundings.for_organisation_page().filter(project__in=funded)) if funded else []
        )
        return super().get_context_data(
            fundings=fundings_page,
            name_history=self.name_history(fundings, fundings_page, more_funded),
            partner_projects=partner_projects,
            page_obj=PageWithoutCount([], number, has_next=more_funded or more_partners),
            **kwargs,
        )

    def name_history(self, fundings, fundings_page, more_funded):
        """The organisation's names (``projects.history``), on its first page, when its
        first and last name differ; when all its fundings are on the page, each name
        with its projects."""
        organisation = self.object
        first = (organisation.first_name, organisation.first_short_name)
        last = (organisation.last_name, organisation.last_short_name)
        if self.kwargs.get("page", 1) != 1 or first == last:
            return []
        return name_history_counted(fundings, None if more_funded else fundings_page)


class OrganisationListView(PagedMixin, ListView):
    """Funders, commissioning bodies and partners of the published projects."""

    template_name = "projects/organisation_list.html"
    context_object_name = "organisations"
    # 50 organisations by name, each a few lines; a page splits its own into funders
    # and partners.
    paginate_by = 50

    def get_queryset(self):
        return Organisation.objects.for_index()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisations = with_index_projects(context["organisations"])
        context["funders"] = [org for org in organisations if org.has_fundings]
        context["partners"] = [org for org in organisations if not org.has_fundings]
        context["index_projects"] = INDEX_PROJECTS
        return context
