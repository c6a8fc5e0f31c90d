"""The projects' addresses (namespace "projects"): the app's own pages and those that
span apps, composed here (the list with its filters by person)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects.urls import urlpatterns as project_urlpatterns

from . import views

app_name = "projects"

urlpatterns = [
    *project_urlpatterns,
    path(_("projekte/"), views.ProjectFilterView.as_view(), name="list"),
]
