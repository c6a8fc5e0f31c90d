"""Values every page template needs."""

from django.conf import settings

from pages.models import SiteIdentity


def site(request):
    # The site's identity, one query per page; its translated fields read the page's
    # language (modeltranslation), and {% tr IDENTITY "chair" %} marks a German fallback.
    return {"IDENTITY": SiteIdentity.current(), "DEBUG": settings.DEBUG}
