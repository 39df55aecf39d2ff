"""A static HTTP server on 127.0.0.1 for saved captures (`monitor demo` and the tests).

URL → file: `/a/b` serves `a/b`, `a/b.html` or `a/b.xml`; a path ending in `/` serves its
`index.html`; a query string is part of the name after `@` (`/s/daraa24?before=5` serves
`s/daraa24@before=5.html`). `{{BASE}}` in a text file becomes the server's base URL. A sidecar
`<file>.headers` holds response headers (`Content-Type: ...`) and optionally `Status: 404`.
Like a real site, it sends an `ETag` and a `Last-Modified` and answers a conditional GET for
an unchanged file with 304. `requests` lists (path, status) of every request served.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from email.parser import HeaderParser
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import cast
from urllib.parse import unquote, urlsplit

TEXT_TYPES = (
    "text/",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
    "application/xhtml+xml",
)
EXTENSIONS = ("", ".html", ".xml", ".json", ".txt")


class CaptureServer:
    """Serves a folder of captures in a background thread; use as a context manager."""

    def __init__(self, root: Path, port: int = 0):
        self.root = root.resolve()
        self.requests: list[tuple[str, int]] = []
        handler = cast(
            "type[_Handler]",
            type("Handler", (_Handler,), {"server_root": self.root, "log": self.requests}),
        )
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        handler.base_url = self.base_url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> CaptureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> CaptureServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def resolve(root: Path, target: str) -> Path | None:
    """The capture file for a request target, or None."""
    parts = urlsplit(target)
    path = unquote(parts.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    name = f"{path}@{unquote(parts.query)}" if parts.query else path
    for extension in EXTENSIONS:
        candidate = (root / (name + extension)).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def with_base(body: bytes, base_url: str) -> bytes:
    return body.replace(b"{{BASE}}", base_url.encode())


class _Handler(BaseHTTPRequestHandler):
    server_root: Path
    base_url: str
    log: list[tuple[str, int]]
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = resolve(self.server_root, self.path)
        if path is None:
            self._send(404, {"Content-Type": "text/plain"}, b"not found\n")
            return
        headers = _sidecar_headers(path)
        status = int(headers.pop("Status", "200").split()[0])
        content_type = headers.get("Content-Type") or _guess_type(path)
        headers["Content-Type"] = content_type
        body = path.read_bytes()
        if content_type.startswith(TEXT_TYPES):
            body = with_base(body, self.base_url)
        if status == 200:
            headers.setdefault("ETag", '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
            headers.setdefault("Last-Modified", formatdate(path.stat().st_mtime, usegmt=True))
            if self.headers.get("If-None-Match") == headers["ETag"]:
                self._send(304, {"ETag": headers["ETag"]}, b"")
                return
        self._send(status, headers, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.log.append((self.path, status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # a quiet server: the crawl's own summary says what happened


def _sidecar_headers(path: Path) -> dict[str, str]:
    sidecar = path.with_name(path.name + ".headers")
    if not sidecar.is_file():
        return {}
    parsed = HeaderParser().parsestr(sidecar.read_text(encoding="utf-8"))
    return {name: value.strip() for name, value in parsed.items()}


def _guess_type(path: Path) -> str:
    if path.suffix == ".html":
        return "text/html"
    if path.suffix == ".xml":
        return "application/xml"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
