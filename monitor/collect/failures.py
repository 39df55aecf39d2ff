"""One-line descriptions of what went wrong, for operators reading a crawl summary."""

from __future__ import annotations

from http import HTTPStatus

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


def describe(failure: Failure | BaseException, url: str | None = None) -> str:
    """'HTTP 404 Not Found at <url>', 'timed out at <url>', ... in one line."""
    exc = failure.value if isinstance(failure, Failure) else failure
    where = f" at {url}" if url else ""
    if isinstance(exc, HttpError):
        status = exc.response.status
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        return f"HTTP {status} {phrase}".rstrip() + f" at {exc.response.url}"
    for kinds, text in _KNOWN:
        if isinstance(exc, kinds):
            return f"{text}{where}"
    if isinstance(exc, DownloadCancelledError):
        return f"response too large (over the size limit){where}"
    if isinstance(exc, IgnoreRequest):
        reason = str(exc) or "request dropped"
        if "DOWNLOAD_MAXSIZE" in reason:
            # Scrapy's words for a compressed body that inflates past the limit (a gzip bomb)
            return f"response too large (over the size limit once decompressed){where}"
        return f"{_one_line(reason)}{where}"
    return f"{type(exc).__name__}: {_one_line(str(exc))}{where}"


_KNOWN: list[tuple[tuple[type[BaseException], ...], str]] = [
    ((DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError), "timed out"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "host name not found"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "connection refused"),
    (
        (
            ResponseDataLossError,
            ResponseFailed,
            ResponseNeverReceived,
            tx_error.ConnectionLost,
            tx_error.ConnectionDone,
            DownloadFailedError,
        ),
        "connection reset or lost",
    ),
]


def _one_line(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
