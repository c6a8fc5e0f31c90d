from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "projects"

# A project page ("detail", ``_("projekte/<slug:slug>/")``) shows roles, reports and
# interviews from other apps: its view is composed in ``clusterspace``, whose URLs add it
# to these under the same name.
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="index"),
    path(_("projekte/"), views.ProjectFilterView.as_view(), name="list"),
    path(_("organisationen/"), views.OrganisationListView.as_view(), name="organisations"),
    path(
        _("organisationen/<slug:slug>/"),
        views.OrganisationDetailView.as_view(),
        name="organisation",
    ),
]
