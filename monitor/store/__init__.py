"""Post storage: an interface (`Store`) and its backends: SQLite in the data dir by default,
PostgreSQL (`monitor.store.postgres`) when MONITOR_STORE holds a postgresql:// URL. Either way
the change logs and the lock stay in the data dir."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from monitor.store.base import SaveResult, Store, StoreView
from monitor.store.sqlite import SQLiteStore

__all__ = [
    "SQLiteStore",
    "SaveResult",
    "Store",
    "StoreMissing",
    "StoreUnavailable",
    "StoreView",
    "open_reader",
    "open_snapshot",
    "open_store",
    "read_errors",
    "store_url",
]

# the store's file in a data dir: written here only
STORE_FILE = "monitor.sqlite3"
# A PostgreSQL store instead of the file: read by every `open_store` of the process (the CLI's
# --store sets it, so that Scrapy's pipelines see it too).
STORE_ENV = "MONITOR_STORE"
URL_SCHEMES = ("postgresql://", "postgres://")


class StoreUnavailable(Exception):
    """A store that cannot be opened, in one line naming it and the cause: a bad URL, a server
    that does not answer, a schema newer than this program."""


class StoreMissing(StoreUnavailable):
    """A PostgreSQL database that holds no store yet (nothing wrote to it)."""


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILE


def store_url() -> str | None:
    """The PostgreSQL URL of MONITOR_STORE; None (unset or empty) for SQLite in the data dir.
    Anything else is refused rather than taken for SQLite: a typo in the URL must not send a
    crawl to a file nobody reads."""
    url = os.environ.get(STORE_ENV, "").strip()
    if not url:
        return None
    if not url.startswith(URL_SCHEMES):
        # (a value that is no URL at all is not repeated: it may be a password's line)
        named = f"store {redact(url)}" if "://" in url else f"--store or {STORE_ENV}"
        raise StoreUnavailable(f"{named}: not a postgresql:// URL")
    return url


def redact(url: str) -> str:
    """The URL to name in a message: without its password or query (which may hold one)."""
    scheme, _, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    user_info, at, host = netloc.rpartition("@")
    user = user_info.partition(":")[0]
    return f"{scheme}://{user}{at}{host}{slash}{path.split('?')[0]}"


def open_store(data_dir: Path) -> Store:
    """The store of a data dir: SQLite at `<data_dir>/monitor.sqlite3`, or the PostgreSQL
    database of MONITOR_STORE. Raises StoreUnavailable with a one-line reason."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = store_url()
    if url is not None:
        from monitor.store.postgres import PostgresStore

        return PostgresStore(url)
    return SQLiteStore(store_path(data_dir))


def open_snapshot(data_dir: Path) -> Store:
    """The store for a command that only reads (export, status, threads, thread), seeing one
    committed state throughout while another process writes: PostgreSQL reads in one
    REPEATABLE READ read-only transaction; SQLite is opened as by `open_store`."""
    url = store_url()
    if url is not None:
        from monitor.store.postgres import PostgresStore

        return PostgresStore(url, read_only=True)
    return open_store(data_dir)


def read_errors() -> tuple[type[Exception], ...]:
    """The errors of a store's reads (SQLite's, and PostgreSQL's when psycopg is installed)."""
    import sqlite3

    errors: tuple[type[Exception], ...] = (sqlite3.Error,)
    if store_url() is None and "psycopg" not in sys.modules:
        return errors  # (SQLite's store: psycopg is not loaded for errors it cannot raise)
    try:
        import psycopg
    except ImportError:
        return errors
    return (*errors, psycopg.Error)


def open_reader(data_dir: Path) -> StoreView | None:
    """A read-only view of a data dir's store, beside the one that writes (a spider checking
    what was collected before); None when the data dir holds no store yet."""
    url = store_url()
    if url is not None:
        from monitor.store.postgres import PostgresStore

        try:
            return PostgresStore(url, read_only=True)
        except StoreMissing:
            return None
    path = store_path(data_dir)
    return SQLiteStore(path, read_only=True) if path.exists() else None
