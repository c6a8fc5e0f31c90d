from django.utils.translation import gettext_lazy as _

from core.pagination import paged

from . import views

app_name = "projects"

# The project page ("detail") shows roles, reports and interviews from other apps, the
# filtered list ("list") filters by person: their views are composed in ``website``, and
# ``clusterspace.urls`` adds them to these under the same names.
urlpatterns = [
    *paged("", views.ProjectListView.as_view(), "index"),
    *paged(_("organisationen/"), views.OrganisationListView.as_view(), "organisations"),
    *paged(
        _("organisationen/<slug:slug>/"), views.OrganisationDetailView.as_view(), "organisation"
    ),
]
