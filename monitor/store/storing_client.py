"""A crawl's side of its storing process (`monitor.store.storing_process`).

Storing (normalising, the story engine, the store, the change logs) costs about as much CPU as
fetching and parsing; in the crawl's own process it made `monitor crawl` take 1.8× the time of
a bare Scrapy crawl of the same pages (benchmarks/crawl_fulltext.py). In a process of its own
it runs on another core while the crawl goes on.

An item is through the pipelines once the storing process has answered for it, so a source's
run still ends only after its posts are stored, and it is recorded after them: the questions
and answers keep their order.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import orjson
from twisted.internet import main as twisted_main
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from monitor.store import StoreUnavailable
from monitor.story.config import EngineConfig

logger = logging.getLogger(__name__)

_STDERR_KEPT = 20


class StoringFailed(Exception):
    """The storing process could not store a post or record a run; one line saying why."""


class StoringProcess:
    """The storing process of a data dir, shared by the crawl and its pipeline.

    Its pipes are watched by the reactor (no threads of ours contend for the interpreter with
    the crawl): questions are written as they come, answers fire their deferreds in order."""

    _open: ClassVar[dict[Path, StoringProcess]] = {}

    def __init__(self, data_dir: Path, engine_config: EngineConfig | None = None):
        self.data_dir = data_dir
        config = orjson.dumps((engine_config or EngineConfig()).as_dict())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor.store.storing_process", str(data_dir),
             config.decode(), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert self.process.stdin and self.process.stdout and self.process.stderr
        self._to = self.process.stdin.fileno()
        self._from = self.process.stdout.fileno()
        self._users = 0
        self.dead: str | None = None
        # called (in the reactor's thread) if it dies while the crawl goes on
        self.on_death: Callable[[str], None] | None = None
        self._waiting: collections.deque[Deferred[dict[str, Any]]] = collections.deque()
        self._received = b""
        self._unsent = bytearray()
        self._output = _Output(self)
        self._input = _Input(self)
        self._watched = False
        self._writing = False
        self._send_due = False
        self._closed = False
        self._stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_KEPT)
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()
        hello = self._first_answer()
        if not hello.get("ready"):
            self.process.stdin.close()
            self.process.wait()
            self._stderr_reader.join()
            raise StoreUnavailable(hello.get("fatal") or self._died())
        os.set_blocking(self._to, False)
        os.set_blocking(self._from, False)

    @classmethod
    def acquire(cls, data_dir: Path, engine_config: EngineConfig | None = None) -> StoringProcess:
        """The data dir's storing process, started by the first caller (with its engine
        configuration: a crawl starts it before its pipeline asks for it)."""
        key = data_dir.resolve()
        process = cls._open.get(key)
        if process is None:
            process = cls._open[key] = cls(key, engine_config)
        process._users += 1
        return process

    def release(self) -> None:
        self._users -= 1
        if self._users <= 0:
            self.close()

    def store(self, item: dict[str, Any]) -> Deferred[dict[str, Any]]:
        """Fires with the answer: {"counts": {...}} or {"invalid": why}; fails with
        StoringFailed."""
        return self._ask({"item": item})

    def record_run(self, run: dict[str, Any], state: dict[str, Any]) -> Deferred[dict[str, Any]]:
        return self._ask({"run": run, "state": state})

    def _ask(self, question: dict[str, Any]) -> Deferred[dict[str, Any]]:
        answer: Deferred[dict[str, Any]] = Deferred()
        if self.dead is not None:
            answer.errback(StoringFailed(self.dead))
            return answer
        self._waiting.append(answer)
        self._unsent += orjson.dumps(question) + b"\n"
        if not self._watched:
            _reactor().addReader(self._output)
            self._watched = True
        if not self._send_due:
            # (what is asked in one turn of the reactor goes in one write at its next turn)
            self._send_due = True
            _reactor().callLater(0, self._send)
        return answer

    def _send(self) -> None:
        self._send_due = False
        try:
            while self._unsent:
                del self._unsent[: os.write(self._to, self._unsent)]
        except BlockingIOError:
            pass
        except OSError:
            self._unsent.clear()  # (it died: reading its end says why)
        if bool(self._unsent) != self._writing:
            if self._unsent:
                _reactor().addWriter(self._input)
            else:
                _reactor().removeWriter(self._input)
            self._writing = bool(self._unsent)

    def _receive(self) -> bool:
        """Read what came and fire its deferreds; False at the end of its output."""
        try:
            chunk = os.read(self._from, 1 << 20)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        *lines, self._received = (self._received + chunk).split(b"\n")
        for line in lines:
            self._answer(orjson.loads(line))
        return True

    def _answer(self, answer: dict[str, Any]) -> None:
        if not self._waiting:
            return
        waiting = self._waiting.popleft()
        if "error" in answer:
            waiting.errback(StoringFailed(answer["error"]))
        else:
            waiting.callback(answer)

    def _output_lost(self, *, ended: bool) -> None:
        _reactor().removeWriter(self._input)
        self._writing = False
        self._watched = False
        if ended:
            self._ended()

    def _ended(self) -> None:
        """Its output ended: it exited. If it was not asked to, every question waiting fails."""
        code = self.process.wait()
        self._stderr_reader.join()
        if code != 0 or self._waiting:
            self.dead = self.dead or self._died()
            logger.error("%s", self.dead)
        while self._waiting:
            self._waiting.popleft().errback(StoringFailed(self.dead or self._died()))
        if self.dead is not None and self.on_death is not None:
            self.on_death(self.dead)

    def _first_answer(self) -> dict[str, Any]:
        read = b""
        while not read.endswith(b"\n"):
            chunk = os.read(self._from, 4096)
            if not chunk:
                return {}
            read += chunk
        first, _, self._received = read.partition(b"\n")
        try:
            hello = orjson.loads(first)
        except orjson.JSONDecodeError:
            return {}
        return hello if isinstance(hello, dict) else {}

    def _read_stderr(self) -> None:
        pipe = self.process.stderr
        assert pipe is not None
        for raw in pipe:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                self._stderr.append(line)
                logger.warning("storing process: %s", line)

    def _died(self) -> str:
        code = self.process.poll()
        said = next((line for line in reversed(self._stderr) if line.strip()), "")
        how = f"exit status {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
        return (
            f"the storing process of {self.data_dir} stopped ({how})"
            + (f": {said}" if said else "")
            + "; what it committed is kept"
        )

    def close(self) -> None:
        """Let the storing process finish what it was given, commit and exit (blocking: after
        the reactor stopped); StoreUnavailable (one line) if it died first. Once only: the crawl
        closes it whoever else still holds it."""
        if self._closed:
            return
        self._closed = True
        if self._open.get(self.data_dir) is self:
            del self._open[self.data_dir]
        if self._watched:
            _reactor().removeReader(self._output)
            _reactor().removeWriter(self._input)
        if self.process.returncode is None:
            # (what is left to send goes from a thread while this one reads the answers:
            # each side may wait on a full pipe)
            sender = threading.Thread(target=self._send_rest, daemon=True)
            sender.start()
            os.set_blocking(self._from, True)
            while self._receive():
                pass
            sender.join()
            self._ended()
        if self.dead is not None:
            raise StoreUnavailable(self.dead)

    def _send_rest(self) -> None:
        os.set_blocking(self._to, True)
        try:
            if self._unsent:
                os.write(self._to, bytes(self._unsent))  # (os.write of a blocking fd: whole)
            self._unsent.clear()
        except OSError:
            pass
        finally:
            assert self.process.stdin is not None
            with contextlib.suppress(OSError):
                self.process.stdin.close()


def _reactor() -> Any:
    # (imported when used: the reactor must be installed first; typed Any, as the reactor
    # object has more than its interfaces' hints say)
    from twisted.internet import reactor

    return reactor


class _Output:
    """The storing process's output, as the reactor watches it (an IReadDescriptor)."""

    def __init__(self, owner: StoringProcess):
        self.owner = owner
        self.ended = False

    def fileno(self) -> int:
        return self.owner._from

    def doRead(self) -> object:
        if self.owner._receive():
            return None
        self.ended = True
        return twisted_main.CONNECTION_DONE

    def connectionLost(self, reason: Failure) -> None:
        # (also called when the reactor stops, its output still open: `close` reads the rest)
        self.owner._output_lost(ended=self.ended)

    def logPrefix(self) -> str:
        return "storing process"


class _Input:
    """Its input, watched only while a write could not finish (an IWriteDescriptor)."""

    def __init__(self, owner: StoringProcess):
        self.owner = owner

    def fileno(self) -> int:
        return self.owner._to

    def doWrite(self) -> None:
        self.owner._send()

    def connectionLost(self, reason: Failure) -> None:
        self.owner._writing = False

    def logPrefix(self) -> str:
        return "storing process"
