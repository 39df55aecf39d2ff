"""One run at a time on a data dir: `crawl`, `replay` and `schedule` hold its lock.

An advisory `flock` on `<data dir>/monitor.lock`: the kernel drops it when the process dies,
even by `kill -9`, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

LOCK_NAME = "monitor.lock"


class DataDirBusy(Exception):
    """Another run holds the data dir; the message names the lock and its holder."""


class DataDirLock:
    """Hold the data dir's lock for the life of a `with` block; refuse at once if taken."""

    def __init__(self, data_dir: Path, command: str):
        self.path = data_dir / LOCK_NAME
        self.command = command
        self._fd: int | None = None

    def acquire(self) -> DataDirLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise DataDirBusy(f"{self.path} is held by {holder}; one run at a time") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"monitor {self.command} (pid {os.getpid()})\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
