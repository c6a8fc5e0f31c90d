from django.urls import path
from django.views.generic import RedirectView

from core.pagination import paged

from . import views

app_name = "reports"

urlpatterns = [
    # Before the reports' own addresses: "seite/2/" would otherwise name a series "seite".
    *paged("", views.ReportListView.as_view(), "list"),
    path("<slug:series>/<int:year>/", views.ReportDetailView.as_view(), name="detail"),
    # The address names its type (".pdf"), so that a static copy of the site (export_site)
    # is served as a PDF by any web server; the file saves under the series and year.
    path("<slug:series>-<int:year>.pdf", views.download, name="download"),
    # The address before the export: links kept elsewhere still lead to the file.
    path(
        "<slug:series>/<int:year>/pdf/",
        RedirectView.as_view(pattern_name="reports:download", permanent=True),
        name="download_old",
    ),
]
