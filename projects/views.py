from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from core.pagination import PagedMixin, page_or_404

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
    pages.

    A funder like the EFRE funds a large share of the archive: its page shows the funded
    projects (each with its fundings by this organisation) and the partner projects in
    pages of ``paginate_by``; page n holds the n-th page of each list, so one page
    number (and one pagination) serves both.
    """

    template_name = "projects/organisation_detail.html"
    context_object_name = "organisation"
    # 25 projects per list, each a few lines: a long but readable page.
    paginate_by = 25

    def get_object(self, queryset=None):
        return get_object_or_404(Organisation, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        organisation = self.object
        # Editors also see unpublished projects.
        projects = Project.objects.visible_to(self.request.user)
        funded = projects.funded_by(organisation).order_by("-start_year", "-start_month", "-pk")
        partner_projects = projects.filter(partners=organisation)
        number = self.kwargs.get("page", 1)
        pages = [
            Paginator(funded, self.paginate_by),
            Paginator(partner_projects, self.paginate_by),
        ]
        # A paginator over the page numbers: the one pagination for both lists.
        page = page_or_404(range(max(p.num_pages for p in pages)), 1, number)
        funded_page, partners_page = (
            p.page(number).object_list if number <= p.num_pages else [] for p in pages
        )
        fundings = Funding.objects.filter(organisation=organisation)
        if not self.request.user.is_staff:
            fundings = fundings.filter(project__published=True)
        fundings_page = (
            list(fundings.for_organisation_page().filter(project__in=funded_page))
            if funded_page
            else []
        )
        # The name history counts the projects per name; when all fundings are on this
        # page it names them, too.
        complete = fundings_page if pages[0].num_pages == 1 else None
        history = name_history_counted(fundings, complete)
        return super().get_context_data(
            fundings=fundings_page,
            name_history=history,
            partner_projects=partners_page,
            page_obj=page,
            **kwargs,
        )


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
