"""Values every page template needs."""

from django.conf import settings
from django.utils.translation import gettext as _

# Set by the static export (clusterspace.static_export) in its requests' WSGI environment,
# to the address of the offline search's index. A visitor cannot set it: only headers
# become HTTP_* keys.
EXPORT_ENVIRON_KEY = "clusterspace.static_export"


def site(request):
    # Translated once per page in the page's language (each use of a lazy translation
    # would look the text up again).
    return {
        "SITE_NAME": _("Projektarchiv"),
        "CHAIR_NAME": _("Professur für Organisationstheorie"),
        "UNIVERSITY_NAME": _("Helmut-Schmidt-Universität Hamburg"),
        "DEBUG": settings.DEBUG,
        # The search page in the static export searches in the browser (static/js/search.js).
        "OFFLINE_SEARCH_INDEX": request.META.get(EXPORT_ENVIRON_KEY, ""),
    }
