"""The statutory pages, at translated addresses: /de/impressum/ and /en/legal-notice/.

The accessibility statement (``pages:barrierefreiheit``) names the editors' workplace, a
feature above this app: ``clusterspace/urls.py`` routes it to ``website.views``."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import Page
from .views import PageView

app_name = "pages"

urlpatterns = [
    path(_("impressum/"), PageView.as_view(kind=Page.Kind.IMPRESSUM), name="impressum"),
    path(_("datenschutz/"), PageView.as_view(kind=Page.Kind.DATENSCHUTZ), name="datenschutz"),
    path(
        _("leichte-sprache/"),
        PageView.as_view(kind=Page.Kind.LEICHTE_SPRACHE),
        name="leichte-sprache",
    ),
]
