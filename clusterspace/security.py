"""The admin login's throttling (django-axes): who is asking, and the backend that checks."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    """The visitor's address: the socket's, or the one the trusted proxies put in X-Forwarded-For.

    With DJANGO_TRUSTED_PROXY_COUNT=n the n-th address from the right of X-Forwarded-For is
    the one the outermost trusted proxy saw; anything left of it may be forged by the client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= count:
            return addresses[-count]
    return request.META.get("REMOTE_ADDR", "")


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check of every login from a request, the admin's form included.

    ``authenticate()`` without a request (the test client's ``login()``, management
    commands) has no address to count and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page after too many failed logins (AXES_LOCKOUT_CALLABLE): status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "lockout.html", {"cooloff_minutes": minutes}, status=429)
