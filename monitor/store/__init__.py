"""Post storage: an interface (`Store`) and its backends (SQLite by default)."""

from __future__ import annotations

from pathlib import Path

from monitor.store.base import SaveResult, Store
from monitor.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "SaveResult", "Store", "open_store"]


def open_store(data_dir: Path) -> Store:
    """The store of a data dir (SQLite at `<data_dir>/monitor.sqlite3`)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(data_dir / "monitor.sqlite3")
