from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

# Included through clusterspace.project_urls, which adds the list with its filters
# (it spans apps).
app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="index"),
    path(_("projekte/<slug:slug>/"), views.ProjectDetailView.as_view(), name="detail"),
    path(_("organisationen/"), views.OrganisationListView.as_view(), name="organisations"),
    path(
        _("organisationen/<slug:slug>/"),
        views.OrganisationDetailView.as_view(),
        name="organisation",
    ),
]
