from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "projects"

# The project page ("detail") shows roles, reports and interviews from other apps, the
# filtered list ("list") filters by person: their views are composed in ``clusterspace``,
# whose URLs add them to these under the same names.
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="index"),
    path(_("organisationen/"), views.OrganisationListView.as_view(), name="organisations"),
    path(
        _("organisationen/<slug:slug>/"),
        views.OrganisationDetailView.as_view(),
        name="organisation",
    ),
]
