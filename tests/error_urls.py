"""The site's URLs plus one that always fails, for the tests of what a 500 does."""

from django.urls import path
from django.views.decorators.http import require_http_methods

from clusterspace.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]


@require_http_methods(["GET", "POST"])
def failing_view(request):
    raise RuntimeError("Absichtlicher Fehler für den Test")


urlpatterns = [*urlpatterns, path("fehler", failing_view)]
