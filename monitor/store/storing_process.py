"""The process that stores a crawl's items: normalising, the story engine, the store and the
change logs, on a core of its own while the crawl goes on fetching and parsing.

`monitor crawl` and `monitor schedule` start it (`monitor.store.storing_client`) and talk to it
through its standard input and output, one JSON object a line:

    in:   {"item": <raw item>}                  out: {"counts": {<stat>: n, ...}}
                                                      {"invalid": "<why>"} | {"error": "<why>"}
    in:   {"run": <run line>, "state": {...}}    out: {"ok": true} | {"error": "<why>"}

Answers come in the order of the questions. Its first line says whether the store opened:
{"ready": true}, or {"fatal": "<one line>"} before it exits. End of input: it commits, writes the
change logs and exits 0. It dies with the crawl (a `kill -9` of the crawl stops both, as it
stopped one process before), and ignores SIGINT and SIGTERM, which a terminal or systemd sends
to the whole group: the crawl decides when to stop, then closes its input.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import select
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from monitor.store import StoreUnavailable
from monitor.store.session import Session
from monitor.story.config import EngineConfig

if TYPE_CHECKING:
    from monitor.story.engine import Engine

# (what storing needs beyond the session is imported once the crawl is told the store opened:
# the story engine's libraries take half a second to load)

# Session.tick's pace: a batch waiting on a slow page is committed and logged within seconds.
TICK_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> None:
    """Be killed when `parent` dies, however it dies (Linux; elsewhere end of input does it)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # (it died before the line above)
        os._exit(1)


class Storer:
    """Answers each line of input; holds the data dir's session."""

    def __init__(self, session: Session):
        self.session = session
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        """The session's engine, warmed up when the first item comes (a crawl that sends its
        items to Redis only has its runs recorded here)."""
        if self._engine is None:
            self._engine = self.session.engine
            gc.freeze()  # (its recent posts stay: full collections need not walk them)
        return self._engine

    def answer(self, lines: list[bytes]) -> list[bytes]:
        """The answers to a batch of lines, in their order. The items among them are prepared
        together (the engine computes their signatures at once), as `monitor ingest` does."""
        from monitor.collect.replay import as_raw_item, no_cycle_collection
        from monitor.normalize.posts import InvalidItem, normalize

        messages = [orjson.loads(line) for line in lines]
        records: dict[int, Any] = {}
        answers: dict[int, dict[str, Any]] = {}
        for index, message in enumerate(messages):
            if "item" not in message:
                continue
            engine = self.engine()
            try:
                records[index] = normalize(
                    as_raw_item(message["item"]),
                    gazetteer=engine.gazetteer,
                    opening_chars=engine.config.text.opening_chars,
                )
            except InvalidItem as exc:
                answers[index] = {"invalid": str(exc)}
            except Exception as exc:  # normalising is pure: a bad item, never a bad state
                answers[index] = {"invalid": f"cannot read it ({type(exc).__name__}: {exc})"}
        out = []
        with no_cycle_collection():
            if records:
                self.engine().prepare(list(records.values()))
            for index, message in enumerate(messages):
                if index not in answers:
                    answers[index] = self._one(message, records.get(index))
                out.append(orjson.dumps(answers[index]) + b"\n")
        return out

    def _one(self, message: dict[str, Any], record: Any) -> dict[str, Any]:
        from monitor.cluster.record import RunCounts

        try:
            if record is not None:
                result = self.session.ingest(record)
                counts = RunCounts()
                counts.count(record, result)
                return {"counts": counts.take(record["source"])}
            if "run" in message:
                self.session.record_run(message["run"], message["state"])
                return {"ok": True}
            return {"error": f"not a question: {sorted(message)}"}
        except Exception as exc:  # a bug, or a store that failed: the crawl names the post
            traceback.print_exc(file=sys.stderr)
            return {"error": f"{type(exc).__name__}: {exc}"}


def serve(data_dir: Path, config: EngineConfig, source: BinaryIO, sink: BinaryIO) -> int:
    try:
        session = Session.acquire(data_dir, config)
    except StoreUnavailable as exc:
        sink.write(orjson.dumps({"fatal": str(exc)}) + b"\n")
        sink.flush()
        return 1
    sink.write(b'{"ready":true}\n')
    sink.flush()
    storer = Storer(session)
    fd = source.fileno()
    pending = b""
    try:
        while True:
            readable, _, _ = select.select([fd], [], [], TICK_SECONDS)
            if not readable:
                session.tick()
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            *lines, pending = (pending + chunk).split(b"\n")
            if lines:
                sink.writelines(storer.answer(lines))
                sink.flush()
            session.tick()
    finally:
        session.release()
    return 0


def main(argv: list[str]) -> int:
    data_dir, config_json, parent = argv
    die_with(int(parent))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    config = EngineConfig().with_values(orjson.loads(config_json))
    return serve(Path(data_dir), config, sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
