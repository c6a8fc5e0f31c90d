from django.urls import path

from projects.pagination import paged

from . import views

app_name = "reports"

urlpatterns = [
    # Before the reports' own addresses: "seite/2/" would otherwise name a series "seite".
    *paged("", views.ReportListView.as_view(), "list"),
    path("<slug:series>/<int:year>/", views.ReportDetailView.as_view(), name="detail"),
    path("<slug:series>/<int:year>/pdf/", views.download, name="download"),
]
