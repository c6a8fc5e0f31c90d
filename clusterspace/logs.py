"""What the logs and error reports carry: the request's id (from the proxy or new), JSON
lines on request, and no secrets in an error mail (docs/deployment.md).
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils import log
from django.views.debug import SafeExceptionReporterFilter

# A proxy's id is taken as it is only if it is short and plain (nginx's $request_id is 32
# hex digits); anything else is replaced, so no header can forge log lines or markup.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,128}")

current_request_id = ContextVar("current_request_id", default="-")


def request_id_from(header_value):
    """The header's id if it is safe, else a new one (32 hex digits, like nginx's)."""
    if header_value and REQUEST_ID_PATTERN.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id``: the id of the request being answered, or "-"."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the
    traceback and status code when there are any (LOG_FORMAT=json)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id.get()
        if request_id != "-":  # outside a request (gunicorn's access line names it itself)
            entry["request_id"] = request_id
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status_code"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class ErrorReportFilter(SafeExceptionReporterFilter):
    """What a 500's mail shows of the request and the settings.

    Django's filter hides settings, headers and cookies whose names look secret
    (SECRET_KEY, passwords, the session and CSRF cookies) and POST fields only where a
    view says so; here every POST value is hidden (the admin's forms carry passwords and
    unpublished texts), and so is every setting or variable that holds a URL with
    credentials (DATABASE_URL, EMAIL_URL, CACHE_URL, SENTRY_DSN).
    """

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|CSRF|SESSION|DSN|_URL$|DATABASE",
        flags=re.I,
    )

    def get_post_parameters(self, request):
        if request is None:
            return {}
        if not self.is_active(request):
            return request.POST
        cleansed = request.POST.copy()
        for name in cleansed:
            cleansed.setlist(name, [self.cleansed_substitute] * len(cleansed.getlist(name)))
        return cleansed


class AdminEmailHandler(log.AdminEmailHandler):
    """Django's error mail, its subject naming the archive: "[Projektarchiv] …", from the
    site's identity (``pages.models.SiteIdentity``), after ``EMAIL_SUBJECT_PREFIX``.
    When the database is what failed, the subject goes without the name."""

    def format_subject(self, subject):
        subject = super().format_subject(subject)
        try:
            from pages.models import SiteIdentity

            name = SiteIdentity.current().name_de
        except Exception:  # the mail must go out whatever failed
            name = ""
        return f"[{name}] {subject}" if name else subject
