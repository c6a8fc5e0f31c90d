from django.urls import path

from projects.pagination import paged

from . import views

app_name = "people"

urlpatterns = [
    *paged("", views.PersonListView.as_view(), "index"),
    path("<slug:slug>/", views.PersonDetailView.as_view(), name="detail"),
]
