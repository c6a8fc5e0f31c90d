"""Values every page template needs."""

from django.conf import settings
from django.utils.translation import gettext as _


def site(request):
    # Translated once per page in the page's language (each use of a lazy translation
    # would look the text up again).
    return {
        "SITE_NAME": _("Projektarchiv"),
        "CHAIR_NAME": _("Professur für Organisationstheorie"),
        "UNIVERSITY_NAME": _("Helmut-Schmidt-Universität Hamburg"),
        "DEBUG": settings.DEBUG,
    }
