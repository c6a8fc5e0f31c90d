from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("<slug:series>/<int:year>/", views.ReportDetailView.as_view(), name="detail"),
    path("<slug:series>/<int:year>/pdf/", views.download, name="download"),
]
