from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="index"),
    path(_("projekte/<slug:slug>/"), views.ProjectDetailView.as_view(), name="detail"),
    path(
        _("organisationen/<slug:slug>/"),
        views.OrganisationDetailView.as_view(),
        name="organisation",
    ),
]
