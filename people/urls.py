from core.pagination import paged

from . import views

app_name = "people"

# A person's page ("detail", "<slug:slug>/") shows interviews from ``reports``: its view
# is composed in ``clusterspace``, whose URLs add it to these under the same name.
urlpatterns = [
    *paged("", views.PersonListView.as_view(), "index"),
]
