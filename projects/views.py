from django.views.generic import DetailView, ListView

from .history import name_history
from .models import Organisation, Project


class ProjectListView(ListView):
    """The overview: the published projects, newest first, as the source lists them."""

    template_name = "projects/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        # Editors also see unpublished projects (with a mark).
        return Project.objects.visible_to(self.request.user).for_listing()


class OrganisationDetailView(DetailView):
    """An organisation with its fundings of, and partnerships in, the projects the
    visitor may see (editors: every project). Three queries."""

    template_name = "projects/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.for_page(Project.objects.visible_to(self.request.user))

    def get_context_data(self, **kwargs):
        fundings = self.object.visible_fundings
        return super().get_context_data(
            fundings=fundings,
            name_history=name_history(fundings),
            partner_projects=self.object.visible_partner_projects,
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
