"""A local HTTP server that misbehaves on purpose, for the crawler's manners and faults.

Routes (all on 127.0.0.1):
  /flaky/<n>/<name>   500 for the first <n> requests of <name>, then the file tests/data/rss/<name>
  /status/<code>      that status, empty body
  /big/<mb>           <mb> MB of feed-looking XML with a Content-Length
  /big-chunked/<mb>   the same without Content-Length (chunked)
  /gzip-bomb/<mb>     a small gzip body that inflates to <mb> MB
  /hang               accepts, then never answers
  /reset              closes the connection without a response
  /file/<path>        a file under tests/data with Content-Type from its extension
  /corpus/<path>      a file of tests/data/feedparser-tests, sent with the HTTP headers its
                      opening comment names (`Header: Content-type: text/xml`)
  /robots.txt         disallows /private/
Each request is recorded in `requests` as (method, path, time).
"""

from __future__ import annotations

import gzip
import io
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "feedparser-tests"
CONTENT_TYPES = {".xml": "application/rss+xml", ".html": "text/html", ".json": "application/json"}
# Files without a Content-type line are served as a plain file server would serve them.
CORPUS_CONTENT_TYPES = {".xml": "application/xml", ".json": "application/json"}
_CORPUS_HEADER = re.compile(rb"^Header:[ \t]+([^:\r\n]+):[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)


def corpus_headers(body: bytes) -> dict[str, str]:
    """The HTTP headers a feedparser corpus file asks to be served with: the `Header:` lines
    of its opening comment (a blank value is a header sent blank)."""
    start = body.find(b"<!--")
    end = body.find(b"-->", start)
    if start < 0 or end < 0 or start > 200:
        return {}
    headers: dict[str, str] = {}
    for name, value in _CORPUS_HEADER.findall(body[start:end]):
        headers[name.decode("latin-1").strip()] = value.decode("latin-1")
    return headers


def corpus_content_type(path: Path, headers: dict[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value
    return CORPUS_CONTENT_TYPES.get(path.suffix, "application/octet-stream")


class _Server(ThreadingHTTPServer):
    # Hundreds of crawlers connect at once; the default backlog of 5 would drop their SYNs
    # and stall each for seconds of TCP retransmission.
    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A crawler that hangs up mid-request (a refused size, a timeout) is what these tests
        # provoke, not a server error worth a traceback in the test output.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FaultServer:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, float]] = []
        self.counters: dict[str, int] = {}
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"owner": self})
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.release = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def hits(self, prefix: str) -> list[float]:
        return [t for _, path, t in self.requests if path.startswith(prefix)]

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    owner: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        with self.owner.lock:
            self.owner.requests.append(("GET", self.path, time.monotonic()))
        parts = self.path.strip("/").split("/")
        route = getattr(self, f"route_{parts[0].replace('-', '_').replace('.', '_')}", None)
        if route is None:
            self.send_body(404, b"not found", "text/plain")
            return
        route(*parts[1:])

    def send_body(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def route_robots_txt(self) -> None:
        self.send_body(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")

    def route_flaky(self, times: str, name: str) -> None:
        key = f"flaky/{name}"
        with self.owner.lock:
            seen = self.owner.counters.get(key, 0)
            self.owner.counters[key] = seen + 1
        if seen < int(times):
            self.send_body(500, b"overloaded", "text/plain")
        else:
            self.send_body(200, (DATA / "rss" / name).read_bytes(), "application/rss+xml")

    def route_status(self, code: str, *rest: str) -> None:
        self.send_body(int(code), b"", "text/plain")

    def route_file(self, *path: str) -> None:
        file = (DATA / "/".join(path)).resolve()
        if not file.is_relative_to(DATA) or not file.is_file():
            self.send_body(404, b"not found", "text/plain")
            return
        self.send_body(
            200, file.read_bytes(), CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        )

    def route_corpus(self, *path: str) -> None:
        file = (CORPUS / "/".join(path)).resolve()
        if not file.is_relative_to(CORPUS) or not file.is_file():
            self.send_body(404, b"not found", "text/plain")
            return
        body = file.read_bytes()
        headers = corpus_headers(body)
        self.send_response(200)
        self.send_header("Content-Type", corpus_content_type(file, headers))
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            if name.lower() not in ("content-type", "content-length"):
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def route_big(self, megabytes: str) -> None:
        size = int(megabytes) * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self._stream(size)

    def route_big_chunked(self, megabytes: str) -> None:
        # HTTP/1.0-style: no length, the end of the body is the end of the connection.
        size = int(megabytes) * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self._stream(size)

    def _stream(self, size: int) -> None:
        block = b"<item><title>" + b"x" * 1000 + b"</title></item>\n"
        sent = 0
        try:
            while sent < size:
                chunk = block[: size - sent]
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route_gzip_bomb(self, megabytes: str) -> None:
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as bomb:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(int(megabytes)):
                bomb.write(chunk)
        self.send_body(200, buffer.getvalue(), "application/rss+xml", Content_Encoding="gzip")

    def route_hang(self) -> None:
        self.owner.release.wait(60)

    def route_reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
