"""What the engine needs from a store, so a PostgreSQL backend can stand in for SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from monitor.contracts.items import PostRecord, ThreadRecord


@dataclass(frozen=True)
class SaveResult:
    """What `Store.save` did: `new` first time, `updated` new revision, `same` nothing."""

    status: Literal["new", "updated", "same"]
    record: PostRecord


class StoreView(Protocol):
    """What reading a store needs: the story engine and the spiders see only this."""

    def get(self, post_id: str) -> PostRecord | None: ...

    def has(self, post_id: str) -> bool: ...

    def iter_posts(self, since: str | None = None) -> Iterator[PostRecord]: ...

    def get_thread(self, thread_id: str) -> ThreadRecord | None: ...

    def thread_posts(self, thread_id: str) -> list[PostRecord]: ...

    def latest_sort_time(self) -> str | None: ...

    def source_states(self) -> dict[str, dict[str, Any]]: ...

    def commit(self) -> None:
        """A writer's commit; for a reader of PostgreSQL, the end of its snapshot."""

    def close(self) -> None: ...


class Store(StoreView, Protocol):
    """A post store. Writes are grouped in a transaction until `commit()`.

    Every new revision of a post is kept (`revisions`), numbered by a sequence that the change
    log follows, so the JSONL log can be rebuilt or caught up after a crash.
    """

    def save(self, record: PostRecord) -> SaveResult: ...

    def commit(self) -> None: ...

    def revisions_after(
        self, seq: int, limit: int = 1000, kind: str = "post"
    ) -> list[tuple[int, bytes]]: ...

    def revision_seq(self, key: str, revision: int, kind: str = "post") -> int | None: ...

    def save_thread(self, record: ThreadRecord) -> bool: ...

    def iter_threads(self) -> Iterator[ThreadRecord]: ...

    def thread_members(self) -> dict[str, list[str]]: ...

    def get_source_state(self, name: str) -> dict[str, Any]: ...

    def set_source_state(self, name: str, state: dict[str, Any]) -> None: ...

    def source_names(self) -> list[str]: ...

    def add_run(self, record: dict[str, Any]) -> None: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def count_posts(self) -> int: ...
