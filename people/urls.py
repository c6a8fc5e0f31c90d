from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from core.pagination import PAGE_ROUTE, paged

from . import sorting, views

app_name = "people"


class InitialConverter:
    """A letter of the people index's letter bar, as in its addresses: a–z."""

    regex = "[a-z]"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(InitialConverter, "initial")

# A person's page ("detail", "<slug:slug>/") shows interviews from ``reports``: its view
# is composed in ``website``; ``clusterspace.urls`` adds it to these under the same name. The
# letters' addresses have two parts and more ("buchstabe/a/"), so no slug can hide them.
urlpatterns = [
    path("", views.PersonListView.as_view(), name="index"),
    path(PAGE_ROUTE, views.old_index_page, name="index-page-moved"),
    *paged(_("buchstabe/<initial:letter>/"), views.PersonLetterView.as_view(), "letter"),
    *paged(
        _("buchstabe/andere/"),
        views.PersonLetterView.as_view(initial=sorting.OTHER),
        "others",
    ),
]
