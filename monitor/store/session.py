"""The store and change log of a data dir, shared by what writes to them in one process.

A crawl's storing process stores the crawl's items and records its runs through one session;
`monitor replay` and `monitor ingest` hold one each. Whoever opens it first sets the engine's
configuration, and the others take the same session instead of opening their own.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from monitor.contracts.items import PostRecord
from monitor.store import SaveResult, Store, open_store
from monitor.store.changelog import LOG_NAME, RUNS_LOG_NAME, THREADS_LOG_NAME, ChangeLog
from monitor.story.config import EngineConfig

if TYPE_CHECKING:
    from monitor.story.engine import Engine


def export_dir(data_dir: Path) -> Path:
    """Where the change logs that outside tools follow are written (`export/*.jsonl`)."""
    return data_dir / "export"


def places_file(data_dir: Path) -> str | None:
    """An operator's own gazetteer additions: $MONITOR_PLACES, else `places.tsv` in the data dir."""
    named = os.environ.get("MONITOR_PLACES")
    if named:
        return named
    local = data_dir / "places.tsv"
    return str(local) if local.is_file() else None


class Session:
    """Saves records in batched transactions, holds the story engine, and follows each commit
    into the change logs (`export/posts.jsonl`, `export/threads.jsonl`)."""

    _open: ClassVar[dict[Path, Session]] = {}

    def __init__(
        self,
        data_dir: Path,
        *,
        batch_size: int = 500,
        batch_seconds: float = 2.0,
        engine_config: EngineConfig | None = None,
    ):
        self.data_dir = data_dir
        self.engine_config = engine_config or EngineConfig()
        self.store: Store = open_store(data_dir)
        self.log = ChangeLog(export_dir(data_dir) / LOG_NAME, self.store)
        self.threads_log = ChangeLog(export_dir(data_dir) / THREADS_LOG_NAME, self.store, "thread")
        self.runs_log = ChangeLog(export_dir(data_dir) / RUNS_LOG_NAME, self.store, "run")
        self._engine: Engine | None = None
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self._pending = 0
        self._last_commit = time.monotonic()
        self._users = 0
        # A crash may have left committed revisions that never reached the logs.
        self.log.catch_up()
        self.threads_log.catch_up()
        self.runs_log.catch_up()
        self.store.commit()

    @classmethod
    def acquire(cls, data_dir: Path, engine_config: EngineConfig | None = None) -> Session:
        """The data dir's session, opened by the first caller (whose engine configuration it
        keeps: a crawl opens it before its pipelines do)."""
        key = data_dir.resolve()
        session = cls._open.get(key)
        if session is None:
            session = cls._open[key] = cls(key, engine_config=engine_config)
        session._users += 1
        return session

    def release(self) -> None:
        self._users -= 1
        if self._users <= 0:
            self.close()

    @property
    def engine(self) -> Engine:
        """The story engine, warmed up from the store's recent posts on first use."""
        if self._engine is None:
            # (imported here: a crawl worker, which only records runs, never loads the engine)
            from monitor.story.engine import Engine

            self._engine = Engine(
                self.store, self.engine_config, places_file=places_file(self.data_dir)
            )
            self._engine.warm_up()
        return self._engine

    def ingest(self, record: PostRecord) -> SaveResult:
        """A normalised record through the story engine into the store and the change logs:
        the one path every post takes, in a crawl (its storing process) and in a replay."""
        self.engine.process(record)
        result = self.save_with_updates(record)
        self.write_logs()
        return result

    def save_with_updates(self, record: PostRecord) -> SaveResult:
        """Save a record that went through the engine, and the earlier posts it changed."""
        result = self.save(record)
        if self._engine is not None:
            for update in self._engine.take_updates():
                self.save(update)
        return result

    def save(self, record: PostRecord) -> SaveResult:
        result = self.store.save(record)
        if result.status != "same":
            self._pending += 1
        if self._pending >= self.batch_size or self._batch_is_old():
            self.commit()
        return result

    def _batch_is_old(self) -> bool:
        return bool(self._pending) and time.monotonic() - self._last_commit >= self.batch_seconds

    def tick(self) -> None:
        """Commit what waits, and write it to the change logs, when the batch is old enough,
        even if no record comes to trigger it (a crawl waiting on a slow page must not hold
        collected posts back)."""
        if self._batch_is_old():
            self.commit()
            self.write_logs()

    def commit(self) -> None:
        if self._engine is not None:
            for thread in self._engine.take_threads():
                self.store.save_thread(thread)
        self.store.commit()
        self._pending = 0
        self._last_commit = time.monotonic()

    def write_logs(self) -> int:
        """Write committed revisions to the log; returns how many lines were added."""
        if self._pending:
            # The open transaction's rows are visible to this connection but could still be
            # lost in a crash; the log must never hold what the store does not.
            return 0
        written = self.log.catch_up()
        written_threads = self.threads_log.catch_up() + self.runs_log.catch_up()
        if written or written_threads:
            self.store.commit()
        return written

    def record_run(self, run: dict[str, Any], state: dict[str, Any]) -> None:
        """A finished run of a source and the source's new state, committed and logged."""
        run = {**run, "engine_config": self.engine_config.digest()}
        self.store.add_run(run)
        self.store.set_source_state(run["source"], state)
        self.commit()
        self.write_logs()

    def close(self) -> None:
        self.commit()
        self.write_logs()
        self.store.close()
        self._open.pop(self.data_dir, None)
