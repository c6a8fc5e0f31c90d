"""Values every page template needs."""

from django.conf import settings


def site(request):
    return {
        "CHAIR_NAME": "Professur für Organisationstheorie",
        "DEBUG": settings.DEBUG,
    }
