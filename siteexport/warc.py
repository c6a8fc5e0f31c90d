"""The static export as a web-archive file (WARC, ISO 28500), written with warcio.

A ``warcinfo`` record names the site, the export's date and the software; then, for
every address the export fetched, a ``response`` record with the live status line,
headers and body, and the ``request`` record that asked for it (linked by
``WARC-Concurrent-To``), as a library's web archive expects to ingest them.
"""

from io import BytesIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

USER_AGENT = "clusterspace export_site"


class WarcWriter:
    """Writes records to ``file`` (opened for writing bytes), gzip-compressed per record."""

    def __init__(self, file, *, filename, site, base_url, date):
        self.writer = WARCWriter(file, gzip=True, warc_version="1.1")
        self.date = date
        info = {
            "software": USER_AGENT,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": site,
            "description": f"{site}: {base_url}, exportiert am {date.isoformat()}",
            "http-header-user-agent": USER_AGENT,
        }
        self.writer.write_record(self.writer.create_warcinfo_record(filename, info))

    def write(self, uri, fetched):
        """A response record with the live answer, and the request record for it."""
        parts = urlsplit(uri)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = [
            (name, value) for name, value in fetched.headers if name.lower() != "content-length"
        ]
        headers.append(("Content-Length", str(len(fetched.body))))
        response = self.writer.create_warc_record(
            uri,
            "response",
            payload=BytesIO(fetched.body),
            http_headers=StatusAndHeaders(
                f"{fetched.status} {fetched.reason}", headers, protocol="HTTP/1.1"
            ),
        )
        request = self.writer.create_warc_record(
            uri,
            "request",
            payload=BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET {target} HTTP/1.1",
                [("Host", parts.netloc), ("User-Agent", USER_AGENT)],
                protocol="HTTP/1.1",
                is_http_request=True,
            ),
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        self.writer.write_record(response)
        self.writer.write_record(request)
