"""Values every page template needs."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _


def site(request):
    return {
        "SITE_NAME": _("Projektarchiv"),
        "CHAIR_NAME": _("Professur für Organisationstheorie"),
        "UNIVERSITY_NAME": _("Helmut-Schmidt-Universität Hamburg"),
        "DEBUG": settings.DEBUG,
    }
