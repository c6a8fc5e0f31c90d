"""The open-data page and downloads: /de/offene-daten/, /en/open-data/."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "opendata"

urlpatterns = [
    path(_("offene-daten/"), views.page, name="page"),
    path(_("offene-daten/projektarchiv.json"), views.json_download, name="json"),
    path(_("offene-daten/<slug:table>.csv"), views.csv_download, name="csv"),
]
