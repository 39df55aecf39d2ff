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

from typing import TYPE_CHECKING, Any
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
# how many times a patient client tries a call (about a minute with its backoff)
PATIENT_TRIES = 12


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


def patience() -> dict[str, Any]:
    """Client options that wait for a Redis that went away (a restart) instead of failing the
    call at once: tries for about a minute, at growing intervals (crawl workers, the leader)."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return {
        "retry": Retry(ExponentialBackoff(cap=8.0, base=0.25), PATIENT_TRIES),
        "retry_on_error": [redis.ConnectionError, redis.TimeoutError],
    }


def connect(url: str, *, patient: bool = False) -> redis.Redis:
    """A client of the server at `url`, checked with a PING; StreamError if it cannot be.
    A `patient` client waits for a Redis that goes away later (see `patience`)."""
    import redis

    try:
        client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=5.0,
            **(patience() if patient else {}),
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
