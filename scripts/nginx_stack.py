"""The production stack on this machine, for scripts/deploy_check.py and bench_nginx.py;
its throwaway PostgreSQL cluster (``Postgres``) and Redis server (``Redis``) also serve
scripts/bench.py.

Debian's nginx with deploy/nginx/clusterspace.conf (rendered by deploy/render.py, a
self-signed certificate made with openssl), gunicorn with gunicorn.conf.py and 2 workers,
and optionally a throwaway PostgreSQL 15 cluster and a Redis server. Everything listens
on 127.0.0.1 on free ports and lives in one temporary folder; ``Stack`` stops every
process it started and removes the folder when the ``with`` block ends, also on failure
or Ctrl-C.
"""

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY = BASE_DIR / "deploy"
PYTHON = sys.executable
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"

sys.path.insert(0, str(DEPLOY))
from render import read_values, render  # noqa: E402  (deploy/render.py, the operator's tool)


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def install_missing(need_postgres=True, need_redis=True):
    """apt-get install what is missing (as .ci/run does): nginx, openssl, PostgreSQL 15,
    Redis."""
    packages = []
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        packages.append("nginx")
    if shutil.which("openssl") is None:
        packages.append("openssl")
    if need_postgres and not (PG_BIN / "initdb").exists():
        packages.append("postgresql-15")
    if need_redis and shutil.which("redis-server") is None:
        packages.append("redis-server")
    if shutil.which("systemd-analyze") is None:  # checks the units in deploy/systemd/
        packages.append("systemd")
    if not packages:
        return
    print(f"installing {' '.join(packages)} (Debian packages)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def wait_for(predicate, what, timeout=60, process=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start{_tail(log)}")
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout} s{_tail(log)}")


def _tail(log):
    if log is None or not Path(log).exists():
        return ""
    lines = Path(log).read_text(errors="replace").splitlines()[-20:]
    return ":\n" + "\n".join(lines)


def _port_open(port):
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
        return True
    return False


def _stop(process, sig=signal.SIGTERM, timeout=30):
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Postgres:
    """A throwaway PostgreSQL 15 cluster in ``folder`` on 127.0.0.1:``port`` (trust
    authentication, fsync off, as CI's), for ``with`` (stopped at its end, also on
    failure). As root, initdb and postgres run as the system user postgres, which they
    require."""

    def __init__(self, folder, port=None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.run_as = []
        self.pg_ctl = None

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            if not _user_exists("postgres"):
                subprocess.run(
                    ["useradd", "--system", "--home-dir", "/nonexistent", "--shell",
                     "/usr/sbin/nologin", "postgres"],
                    check=True,
                )  # fmt: skip
            shutil.chown(self.folder, "postgres")
            self.run_as = ["runuser", "-u", "postgres", "--"]
        data = self.folder / "data"
        subprocess.run(
            [*self.run_as, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--no-locale"],
            check=True,
            capture_output=True,
        )  # fmt: skip
        options = (
            f"-c listen_addresses={HOST} -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c fsync=off"
        )
        self.pg_ctl = [*self.run_as, str(PG_BIN / "pg_ctl"), "-D", str(data)]
        subprocess.run(
            [*self.pg_ctl, "-l", str(self.folder / "server.log"), "-w", "-o", options, "start"],
            check=True,
            capture_output=True,
        )
        return self

    def __exit__(self, *exc):
        subprocess.run([*self.pg_ctl, "-m", "fast", "-w", "stop"], capture_output=True)

    def stop(self):
        """Stopped the way an operator's restart does: sessions are ended and their open
        transactions rolled back ("fast")."""
        subprocess.run([*self.pg_ctl, "-m", "fast", "-w", "stop"], check=True, capture_output=True)

    def start_again(self):
        """The stopped cluster started again; pg_ctl restart reuses the options it was
        started with (postmaster.opts)."""
        log = str(self.folder / "server.log")
        subprocess.run([*self.pg_ctl, "-l", log, "-w", "restart"], check=True, capture_output=True)

    def create_database(self, name, template=None):
        """A new database (a copy of ``template`` if given); its DATABASE_URL."""
        subprocess.run(
            [*self.run_as, str(PG_BIN / "createdb"), "-h", HOST, "-p", str(self.port),
             "-U", "postgres", *(["--template", template] if template else []), name],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return f"postgres://postgres@{HOST}:{self.port}/{name}"


class Redis:
    """A throwaway Redis server on 127.0.0.1:``port`` (no persistence: ``--save ""``,
    no append-only file), its log and working files in ``folder``, for ``with`` (stopped
    at its end, also on failure)."""

    def __init__(self, folder, port=None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.process = None

    def url(self, db=0):
        """The CACHE_URL of database ``db`` (0–15: one per site that shares the server,
        as each keeps its own content version under the same key)."""
        return f"redis://{HOST}:{self.port}/{db}"

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        log = self.folder / "redis.log"
        self.process = subprocess.Popen(
            ["redis-server", "--bind", HOST, "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--logfile", str(log)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for(lambda: _port_open(self.port), "redis-server", process=self.process, log=log)
        except BaseException:
            _stop(self.process)
            raise
        return self

    def __exit__(self, *exc):
        _stop(self.process)

    def command(self, *commands):
        """Send inline commands (``"SELECT 1"``, ``"FLUSHDB"``); the first line of each
        reply, raising on an error reply."""
        replies = []
        with socket.create_connection((HOST, self.port), timeout=10) as sock:
            reader = sock.makefile("rb")
            for command in commands:
                sock.sendall(command.encode() + b"\r\n")
                line = reader.readline().decode().rstrip("\r\n")
                if line.startswith("-"):
                    raise RuntimeError(f"redis: {command}: {line[1:]}")
                replies.append(line)
        return replies

    def flush(self, db=0):
        """Database ``db`` emptied (``FLUSHDB``)."""
        self.command(f"SELECT {db}", "FLUSHDB")

    def shutdown(self):
        """Stopped as by a crash (``SHUTDOWN NOSAVE``: its keys are gone)."""
        with socket.create_connection((HOST, self.port), timeout=5) as sock:
            sock.sendall(b"SHUTDOWN NOSAVE\r\n")
            with contextlib.suppress(OSError):
                sock.recv(64)
        deadline = time.monotonic() + 10
        while _port_open(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not stop within 10 s")
            time.sleep(0.05)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


class Stack:
    """``with Stack(database="postgres", cache="redis") as stack:`` … the site on
    ``stack.https_origin``. ``database``: "postgres" or "sqlite"; ``cache``: "redis" or
    "locmem"."""

    def __init__(self, database="postgres", cache="redis", workers=2, quiet_access_log=False):
        self.database = database
        self.cache = cache
        self.workers = workers
        self.quiet_access_log = quiet_access_log
        self.exits = contextlib.ExitStack()
        self.gunicorn = None
        self.postgres = None  # nginx_stack.Postgres, with database="postgres"
        self.redis = None  # nginx_stack.Redis, with cache="redis"
        self.root = os.geteuid() == 0

    # -- Setting up and tearing down ------------------------------------------------------

    def __enter__(self):
        install_missing(self.database == "postgres", self.cache == "redis")
        self.exits.__enter__()
        # SIGTERM (CI's timeout, kill) ends like Ctrl-C: every process is stopped.
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        self.exits.callback(signal.signal, signal.SIGTERM, previous)
        try:
            self.dir = Path(tempfile.mkdtemp(prefix="clusterspace-deploy-"))
            self.exits.callback(shutil.rmtree, self.dir, ignore_errors=True)
            # nginx's workers (www-data when started as root) read the static files, the
            # uploads and the error pages in here.
            self.dir.chmod(0o755)
            self.ports = {
                name: free_port() for name in ("https", "http", "gunicorn", "redis", "pg")
            }
            self.https_origin = f"https://{HOST}:{self.ports['https']}"
            self.http_origin = f"http://{HOST}:{self.ports['http']}"
            self.static_root = self.dir / "static"
            self.media_root = self.dir / "media"
            self.media_root.mkdir()
            # Written by manage.py write_open_data when a check runs it; until then the
            # downloads are built live.
            self.open_data_root = self.dir / "open-data"
            self.gunicorn_log = self.dir / "gunicorn.log"
            self.nginx_dir = self.dir / "nginx"
            self.make_certificate()
            database_url = self.start_postgres() if self.database == "postgres" else None
            cache_url = self.start_redis() if self.cache == "redis" else None
            self.env = self.app_env(database_url, cache_url)
            return self
        except BaseException:
            self.exits.__exit__(*sys.exc_info())
            raise

    def __exit__(self, *exc):
        return self.exits.__exit__(*exc)

    def make_certificate(self):
        tls = self.dir / "tls"
        tls.mkdir()
        self.certificate = tls / "cert.pem"
        self.certificate_key = tls / "key.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-subj",
                f"/CN={HOST}",
                "-addext",
                f"subjectAltName=IP:{HOST}",
                "-keyout",
                str(self.certificate_key),
                "-out",
                str(self.certificate),
            ],
            check=True,
            capture_output=True,
        )

    def ssl_context(self):
        return ssl.create_default_context(cafile=str(self.certificate))

    def start_postgres(self):
        self.postgres = self.exits.enter_context(Postgres(self.dir / "pg", self.ports["pg"]))
        return self.postgres.create_database("clusterspace")

    def start_redis(self):
        self.redis = self.exits.enter_context(Redis(self.dir, self.ports["redis"]))
        return self.redis.url()

    def app_env(self, database_url, cache_url):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "GUNICORN_", "AWS_"))
            # The checks read gunicorn's plain access log; no mail or Sentry from here.
            and key
            not in {"HOST", "PORT", "WEB_CONCURRENCY", "SENTRY_DSN", "LOG_FORMAT", "EMAIL_URL"}
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "clusterspace.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": HOST,
                "DJANGO_CSRF_TRUSTED_ORIGINS": self.https_origin,
                "DJANGO_TRUST_X_FORWARDED_PROTO": "1",
                "DJANGO_TRUSTED_PROXY_COUNT": "1",
                "DJANGO_STATIC_ROOT": str(self.static_root),
                "DJANGO_MEDIA_ROOT": str(self.media_root),
                "DJANGO_MEDIA_ACCEL_REDIRECT_PREFIX": "/_media/",
                "DJANGO_OPEN_DATA_ROOT": str(self.open_data_root),
                "DJANGO_OPEN_DATA_ACCEL_REDIRECT_PREFIX": "/_open_data/",
                "HOST": HOST,
                "PORT": str(self.ports["gunicorn"]),
                "WEB_CONCURRENCY": str(self.workers),
                "FORWARDED_ALLOW_IPS": HOST,
                "GUNICORN_LOG_LEVEL": "warning" if self.quiet_access_log else "info",
            }
        )
        env["DATABASE_URL"] = database_url or f"sqlite:///{self.dir / 'db.sqlite3'}"
        if cache_url:
            env["CACHE_URL"] = cache_url
        return env

    # -- The app --------------------------------------------------------------------------

    def manage(self, *args, timeout=900):
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            shown = " ".join(args)[:60]
            raise RuntimeError(f"manage.py {shown} failed:\n{result.stdout}{result.stderr[-3000:]}")
        return result.stdout

    def django(self, code):
        """Run ``code`` in the app's Django (manage.py shell); its last line, as JSON."""
        out = self.manage("shell", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def prepare(self):
        """Schema, static files, the archive's content: what a deployment does."""
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        return self.manage("load_archive")

    def start_gunicorn(self):
        self.gunicorn_log_file = open(self.gunicorn_log, "ab")  # noqa: SIM115 (closed by stop_gunicorn)
        self.gunicorn = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "--config", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.gunicorn_log_file,
            stderr=subprocess.STDOUT,
        )
        self.exits.callback(self.stop_gunicorn)
        url = f"http://{HOST}:{self.ports['gunicorn']}/healthz"

        def healthy():
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(healthy, "gunicorn", process=self.gunicorn, log=self.gunicorn_log)

    def stop_gunicorn(self):
        if self.gunicorn is not None:
            _stop(self.gunicorn)
            self.gunicorn = None
            self.gunicorn_log_file.close()

    # -- nginx ----------------------------------------------------------------------------

    def site_values(self):
        """The placeholders of deploy/nginx/clusterspace.conf, for this machine."""
        return {
            "SERVER_NAME": HOST,
            "HTTPS_LISTEN": f"{HOST}:{self.ports['https']}",
            "HTTP_LISTEN": f"{HOST}:{self.ports['http']}",
            "HTTPS_ORIGIN": self.https_origin,
            "TLS_CERTIFICATE": str(self.certificate),
            "TLS_CERTIFICATE_KEY": str(self.certificate_key),
            "APP_SERVER": f"{HOST}:{self.ports['gunicorn']}",
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            "OPEN_DATA_ROOT": str(self.open_data_root),
            "ERROR_PAGES": str(self.nginx_dir / "errors"),
            "CACHE_DIR": str(self.nginx_dir / "cache"),
            "LOG_DIR": str(self.nginx_dir / "logs"),
            "ADMIN_PATH": "admin",
        }

    def start_nginx(self, extra_http=""):
        """nginx with the rendered site, in a main configuration like Debian's
        /etc/nginx/nginx.conf (mime types, sendfile, gzip on in http) with its own pid
        file, logs and temporary folders."""
        nginx_dir = self.nginx_dir
        for sub in ("logs", "cache", "temp", "sites"):
            (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
        # The error pages of deploy/errors/, rendered with the site's identity as an
        # operator does (manage.py identity_values), where nginx's workers may read them.
        (nginx_dir / "errors").mkdir(parents=True, exist_ok=True)
        identity = read_values(self.manage("identity_values").splitlines())
        for page in sorted((DEPLOY / "errors").glob("*.html")):
            (nginx_dir / "errors" / page.name).write_text(render(page.read_text(), identity))
        site = render((DEPLOY / "nginx" / "clusterspace.conf").read_text(), self.site_values())
        (nginx_dir / "sites" / "clusterspace.conf").write_text(site)
        user = ""
        if self.root:
            worker = "www-data" if _user_exists("www-data") else "nobody"
            user = f"user {worker};"
            for sub in ("cache", "temp"):
                shutil.chown(nginx_dir / sub, worker)
        temp = nginx_dir / "temp"
        main = f"""
{user}
worker_processes auto;
pid {nginx_dir / "nginx.pid"};
error_log {nginx_dir / "logs" / "error.log"} warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    gzip on;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    {extra_http}
    include {nginx_dir / "sites" / "clusterspace.conf"};
}}
"""
        self.nginx_conf = nginx_dir / "nginx.conf"
        self.nginx_conf.write_text(main)
        command = ["nginx", "-c", str(self.nginx_conf), "-p", str(nginx_dir),
                   "-e", str(nginx_dir / "logs" / "error.log")]  # fmt: skip
        test = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError(f"nginx -t refuses the configuration:\n{test.stderr}")
        self.nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        # SIGQUIT: nginx's graceful stop.
        self.exits.callback(_stop, self.nginx, signal.SIGQUIT)
        wait_for(
            lambda: _port_open(self.ports["https"]) and _port_open(self.ports["http"]),
            "nginx",
            process=self.nginx,
            log=nginx_dir / "logs" / "error.log",
        )

    def stop_nginx(self):
        """nginx stopped gracefully (SIGQUIT); ``start_nginx()`` starts it again."""
        if getattr(self, "nginx", None) is not None:
            _stop(self.nginx, signal.SIGQUIT)
            self.nginx = None

    def gunicorn_requests(self, needle):
        """How many lines of gunicorn's access log name ``needle`` (a request line part)."""
        if not self.gunicorn_log.exists():
            return 0
        return self.gunicorn_log.read_text(errors="replace").count(needle)

    # -- Faults (scripts/faults.py): parts stopped and started again as an operator would --

    def stop_postgres(self):
        self.postgres.stop()

    def resume_postgres(self):
        self.postgres.start_again()

    def stop_redis(self):
        """Stop the Redis server (SHUTDOWN NOSAVE: its keys are gone, as after a crash);
        ``start_redis()`` starts a new, empty one on the same port."""
        self.redis.shutdown()


def _user_exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
