from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Organisation, Project


class ProjectListView(ListView):
    """The overview: the published projects, newest first, as the source lists them."""

    template_name = "projects/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).for_listing()


class ProjectDetailView(DetailView):
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).for_detail()


class OrganisationDetailView(DetailView):
    template_name = "projects/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return get_object_or_404(Organisation, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        visible = Project.objects.visible_to(self.request.user)
        return super().get_context_data(
            fundings=self.object.fundings.filter(project__in=visible)
            .select_related("project")
            .order_by("-project__start_year", "-project__start_month"),
            partner_projects=visible.filter(partners=self.object),
            **kwargs,
        )
