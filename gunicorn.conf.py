"""gunicorn's settings for clusterspace: `gunicorn -c gunicorn.conf.py clusterspace.wsgi`.

Read from the environment (see .env.example):
HOST (default 127.0.0.1; 0.0.0.0 when the proxy runs on another machine), PORT (8000),
WEB_CONCURRENCY (workers; default 2 * CPU cores + 1), GUNICORN_TIMEOUT (seconds, 30),
GUNICORN_MAX_REQUESTS (requests before a worker is recycled, 50,000),
DATABASE_STATEMENT_TIMEOUT (milliseconds; unset: 5,000 for the web workers, see below),
FORWARDED_ALLOW_IPS (gunicorn's own: the proxies whose X-Forwarded-* it trusts),
LOG_FORMAT (json: gunicorn's own log lines as JSON objects too, like the app's).
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name}: expected a whole number, got {value!r}") from None
    if number < 1:
        raise SystemExit(f"{name}: expected a positive number, got {number}")
    return number


wsgi_app = "clusterspace.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"

# Synchronous workers: pages are rendered from the database in milliseconds; uploads and
# downloads go through the proxy, which buffers slow clients.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak never grows large. Not too often: a
# new worker starts with an empty page cache (local memory) and cold templates, and at a
# few thousand requests a second 1,000 requests would recycle each worker every second.
max_requests = _int("GUNICORN_MAX_REQUESTS", 50_000)
max_requests_jitter = max_requests // 10

# A statement that takes longer than 5 s (at most a third of the worker's timeout) is
# cancelled (PostgreSQL's statement_timeout, clusterspace/settings.py): a slow or locked
# database costs a visitor a few seconds and a stale page or the 503 page, never a worker
# held until gunicorn kills it. For the web workers only, when the environment does not
# set it: manage.py's maintenance commands (backups, migrations, the search index) run
# without a limit.
raw_env = (
    []
    if os.environ.get("DATABASE_STATEMENT_TIMEOUT", "").strip()
    else [f"DATABASE_STATEMENT_TIMEOUT={min(5_000, timeout * 1000 // 3)}"]
)

# Load the application once in the master: a wrong setting stops the start at once,
# with its message, instead of every worker failing in turn.
preload_app = True

# Logs on stdout/stderr, for systemd's journal or the container's log.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client as the proxy saw it (X-Forwarded-For) after the proxy's own address; last
# the request's id (the X-Request-ID the app answers with: nginx's, or one it made), the
# same id as in the app's log lines, the error mail and the 500 page.
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
    " %({x-request-id}o)s"
)
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    # One JSON object per line for gunicorn's messages and access lines as well (the
    # access line, with the request's id, is the object's "message").
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "clusterspace.logs.JsonFormatter"}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"handlers": ["json"], "level": "WARNING"},
        "loggers": {
            "gunicorn.error": {"handlers": ["json"], "propagate": False},
            "gunicorn.access": {"handlers": ["json"], "propagate": False},
        },
    }

# gunicorn 25+ opens a control socket at one fixed path in the user's home folder; two
# instances on one machine would share it, and service users often have no home. Workers
# are managed with signals (systemd's reload sends HUP) instead.
control_socket_disable = True
