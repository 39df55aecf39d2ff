"""Post storage: an interface (`Store`) and its backends (SQLite by default)."""

from __future__ import annotations

from pathlib import Path

from monitor.store.base import SaveResult, Store, StoreView
from monitor.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "SaveResult", "Store", "StoreView", "open_reader", "open_store"]

# the store's file in a data dir: written here only
STORE_FILE = "monitor.sqlite3"


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILE


def open_store(data_dir: Path) -> Store:
    """The store of a data dir (SQLite at `<data_dir>/monitor.sqlite3`)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(store_path(data_dir))


def open_reader(data_dir: Path) -> StoreView | None:
    """A read-only view of a data dir's store, beside the one that writes (a spider checking
    what was collected before); None when the data dir holds no store yet."""
    path = store_path(data_dir)
    return SQLiteStore(path, read_only=True) if path.exists() else None
