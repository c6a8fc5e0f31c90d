from django.http import Http404
from django.views.generic import DetailView, ListView

from .history import name_history
from .models import Organisation, Project
from .page_queries import (
    organisation_for_page,
    project_for_page,
    published_projects_for_listing,
)


class ProjectListView(ListView):
    """The overview: the published projects, newest first, as the source lists them."""

    template_name = "projects/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        if self.request.user.is_staff:  # editors also see unpublished projects
            return Project.objects.for_listing()
        # Prepared queries (projects.page_queries): the same rows as
        # ``published().for_listing()``, without compiling the SQL on every request.
        return published_projects_for_listing()


class ProjectDetailView(DetailView):
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        # Prepared queries (projects.page_queries): the same rows as
        # ``visible_to(user).for_detail()``, without compiling the SQL on every request.
        project = project_for_page(
            self.kwargs["slug"], include_unpublished=self.request.user.is_staff
        )
        if project is None:
            raise Http404("Kein Projekt unter dieser Adresse.")
        return project


class OrganisationDetailView(DetailView):
    template_name = "projects/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        # Prepared queries (projects.page_queries): the fundings and partnerships of the
        # projects the visitor may see, without compiling the SQL on every request.
        found = organisation_for_page(
            self.kwargs["slug"], include_unpublished=self.request.user.is_staff
        )
        if found is None:
            raise Http404("Keine Organisation unter dieser Adresse.")
        organisation, self.fundings, self.partner_projects = found
        return organisation

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            fundings=self.fundings,
            name_history=name_history(self.fundings),
            partner_projects=self.partner_projects,
            **kwargs,
        )


class OrganisationListView(ListView):
    """Funders, commissioning bodies and partners of the published projects."""

    template_name = "projects/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        return Organisation.objects.for_index()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisations = context["organisations"]
        context["funders"] = [org for org in organisations if org.public_fundings]
        context["partners"] = [
            org for org in organisations if not org.public_fundings and org.public_partner_projects
        ]
        return context
