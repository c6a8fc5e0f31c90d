"""The static export served by nginx beside the live site, measured with wrk.

Run: ``.venv/bin/python scripts/bench_export.py``.

In a temporary folder: a copy of the database (db.sqlite3, or the archive loaded afresh),
``collectstatic``, ``export_site``; then gunicorn (gunicorn.conf.py, DEBUG off, the page
cache on) and nginx with the frozen-mode server block of docs/deployment.md, each on a
free loopback port. wrk measures the same addresses on both, side by side, and the
script prints requests/s, p50 and p99 latency and the ratio export : live. It asserts
nothing; nothing outside the temporary folder is changed.

Options: ``--duration`` seconds per run (default 5), ``--connections`` (default 16),
``--keep`` to keep the temporary folder.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = [
    ("overview", "/de/"),
    ("project page", "/de/projekte/cross-cluster-space-hamburg/"),
    ("people index", "/en/people/"),
    ("person page", "/de/personen/stephan-duschek/"),
    ("report PDF", "/de/jahresberichte/jahresbericht-hamburger-cluster-2022.pdf"),
    ("stylesheet", None),  # found in the overview
]
NGINX = """
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    map $http_accept_language $archive_language {{ default de; ~^en en; }}
    server {{
        listen 127.0.0.1:{port};
        root {work}/site;
        index index.html;
        charset utf-8;
        error_page 404 /404.html;
        location = / {{ return 302 /$archive_language/; }}
        location / {{ try_files $uri $uri/ =404; expires 1h; }}
    }}
}}
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, env):
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench_export: failed: {' '.join(map(str, command))}")
    return result.stdout


def wait_for(url, process, name):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench_export: {name} stopped at start")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise SystemExit(f"bench_export: {name} did not answer within 60 s")


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(url, connections, duration):
    output = subprocess.run(
        ["wrk", "--threads", "2", "--connections", str(connections), "--duration",
         f"{duration}s", "--latency", url],
        capture_output=True, text=True, timeout=duration + 60,
    ).stdout  # fmt: skip
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def ms(pattern):
        match = re.search(pattern, output, re.M)
        if not match:
            return float("nan")
        value = re.fullmatch(r"([\d.]+)(us|ms|s)", match.group(1))
        return float(value.group(1)) * units[value.group(2)] if value else float("nan")

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": float(rate.group(1)) if rate else 0.0,
        "p50": ms(r"^\s+50%\s+(\S+)"),
        "p99": ms(r"^\s+99%\s+(\S+)"),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args(argv)
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench_export: {tool} is missing (Debian: apt-get install {tool})")

    work = Path(tempfile.mkdtemp(prefix="clusterspace-bench-export-"))
    work.chmod(0o755)  # nginx's workers run as another user and must read the export
    live = nginx = None
    try:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(work / "static"),
        }
        source = BASE_DIR / "db.sqlite3"
        if source.is_file():
            src, dst = sqlite3.connect(source), sqlite3.connect(work / "db.sqlite3")
            src.backup(dst)
            dst.close()
            src.close()
        run([PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
        run([PYTHON, "manage.py", "load_archive"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
        started = time.monotonic()
        run([PYTHON, "manage.py", "export_site", str(work / "site"), "--verbosity", "0"], env)
        export_seconds = time.monotonic() - started

        live_port, static_port = free_port(), free_port()
        live = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "--config", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env={**env, "HOST": "127.0.0.1", "PORT": str(live_port)},
            stdout=(work / "gunicorn.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        (work / "nginx.conf").write_text(NGINX.format(work=work, port=static_port))
        nginx = subprocess.Popen(
            ["nginx", "-c", str(work / "nginx.conf"), "-p", str(work), "-g", "daemon off;"],
            stdout=(work / "nginx.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        live_base = f"http://127.0.0.1:{live_port}"
        static_base = f"http://127.0.0.1:{static_port}"
        wait_for(live_base + "/healthz", live, "gunicorn")
        wait_for(static_base + "/de/", nginx, "nginx")
        with urllib.request.urlopen(live_base + "/de/") as response:
            overview = response.read().decode()
        stylesheet = re.search(r'href="(/static/css/[^"]+\.css)"', overview).group(1)

        print(
            f"bench_export: the archive exported in {export_seconds:.1f} s (wall time, "
            f"export_site with startup); wrk {options.duration} s per row, "
            f"{options.connections} connections, {os.cpu_count()} CPUs shared."
        )
        print(
            f"{'address':<16} {'live req/s':>11} {'p50 ms':>8} {'p99 ms':>8}   "
            f"{'export req/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'export:live':>11}"
        )
        for name, path in PAGES:
            path = path or stylesheet
            for base in (live_base, static_base):  # warm both
                with urllib.request.urlopen(base + path) as response:
                    response.read()
            a = wrk(live_base + path, options.connections, options.duration)
            b = wrk(static_base + path, options.connections, options.duration)
            ratio = b["rate"] / a["rate"] if a["rate"] else float("nan")
            errors = f"  errors {a['errors']}/{b['errors']}" if a["errors"] or b["errors"] else ""
            print(
                f"{name:<16} {a['rate']:>11.0f} {a['p50']:>8.2f} {a['p99']:>8.2f}   "
                f"{b['rate']:>12.0f} {b['p50']:>8.2f} {b['p99']:>8.2f} {ratio:>10.1f}x{errors}"
            )
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"load average at the end: {load}")
    finally:
        for process in (nginx, live):
            if process is not None:
                stop(process)
        if options.keep:
            print(f"bench_export: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
