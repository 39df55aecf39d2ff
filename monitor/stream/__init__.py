"""Several machines: raw items travel from crawl workers to the machine that stores them
through a Redis stream read by a consumer group.

    monitor crawl --redis URL     each raw item, as JSON, appended to the stream (XADD)
    monitor ingest --redis URL    read in batches, normalised and stored as `monitor replay`
                                  does, then acknowledged and deleted from the stream
    monitor status --redis URL    the backlog: entries waiting, pending, the oldest one's age

An entry is deleted once it is stored, so the stream holds exactly what is not stored yet.
Only this package and `pipelines/stream.py` import redis, and only when a Redis URL is given
(this module's names are read by the CLI, so it imports redis only in `connect`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import redis

STREAM = "monitor:items"
GROUP = "monitor"
# An entry's one field: the raw item as orjson wrote it.
FIELD = b"item"
# Where refused entries are moved, with the reason, so that nothing is thrown away.
REFUSED_SUFFIX = ":refused"
# Longer than any blocking read (`monitor ingest` blocks a second at most): a server that
# stops answering is noticed instead of hanging the consumer forever.
SOCKET_TIMEOUT = 30.0


class StreamError(Exception):
    """Redis cannot be used: the message is one line naming the server and the cause."""


def refused_stream(stream: str) -> str:
    return stream + REFUSED_SUFFIX


def shown(url: str) -> str:
    """The URL to name in messages: without its password, or a query (which may hold one)."""
    parts = urlsplit(url)
    if not parts.netloc:  # unix:///run/redis.sock
        return f"{parts.scheme}://{parts.path}"
    netloc = parts.netloc.rpartition("@")[2]
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc, query=""))


def connect(url: str) -> redis.Redis:
    """A client of the server at `url`, checked with a PING; StreamError if it cannot be."""
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=5.0
        )
    except ValueError as exc:
        raise StreamError(f"{shown(url)} is not a Redis URL ({exc})") from None
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        raise StreamError(f"cannot reach Redis at {shown(url)}: {describe(exc)}") from None
    return client


def describe(exc: BaseException) -> str:
    """One line for a Redis error (redis-py's messages may span lines)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
