"""Response headers that Django's own middleware does not set, the request's id, and the
outage page."""

from django.conf import settings

from clusterspace import views
from clusterspace.logs import current_request_id, request_id_from
from core.outages import database_unavailable, storage_full


def permissions_policy_header(policy):
    """{"camera": [], "fullscreen": ["self"]} → 'camera=(), fullscreen=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Sets Permissions-Policy from settings.PERMISSIONS_POLICY on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RequestIdMiddleware:
    """Gives every request an id: the proxy's X-Request-ID if it is safe, else a new one.

    The id is ``request.request_id`` for the views (the 500 page shows it), is in every
    log line written while the request runs (``clusterspace.logs``) and goes back in the
    response's X-Request-ID header, which gunicorn's access log records. First in
    MIDDLEWARE, so that answers from the page cache carry it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response


class OutageMiddleware:
    """A view that fails because the database cannot be read or the upload storage is
    full gets the page that says so (``views.unavailable``: 503 or 507), not the 500
    page with a traceback in the mail. Before the page cache in MIDDLEWARE: exceptions
    pass the middleware from the inside out, so the page cache's last good copy of a
    page comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception) or storage_full(exception):
            return views.unavailable(request, exception)
        return None
