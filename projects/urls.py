from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .pagination import paged

app_name = "projects"

urlpatterns = [
    *paged("", views.ProjectListView.as_view(), "index"),
    path(_("projekte/"), views.ProjectFilterView.as_view(), name="list"),
    path(_("projekte/<slug:slug>/"), views.ProjectDetailView.as_view(), name="detail"),
    *paged(_("organisationen/"), views.OrganisationListView.as_view(), "organisations"),
    *paged(
        _("organisationen/<slug:slug>/"), views.OrganisationDetailView.as_view(), "organisation"
    ),
]
