"""The search page: /de/suche/, /en/search/."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "search"

urlpatterns = [
    path(_("suche/"), views.search, name="search"),
]
