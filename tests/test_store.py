"""The store keeps each post once, with revisions, and the change log follows it exactly.

The tests that take `backend` run once with SQLite and once with PostgreSQL
(tests/postgres_server.py); tests/test_store_postgres.py compares the two."""

import sqlite3

import orjson
import pytest

from monitor.normalize.posts import normalize
from monitor.store import open_store
from monitor.store.changelog import repair_tail
from monitor.store.records import dump_thread, dumps, sort_time
from monitor.store.session import Session

NOW = "2023-12-19T10:00:00+00:00"
# The layout before a record was kept once: a full copy in every posts and threads row.
OLD_SCHEMA = """
CREATE TABLE posts (id TEXT PRIMARY KEY, first_seq INTEGER NOT NULL, seq INTEGER NOT NULL,
    revision INTEGER NOT NULL, source TEXT NOT NULL, sort_time TEXT NOT NULL,
    via_embed INTEGER NOT NULL, record BLOB NOT NULL);
CREATE TABLE revisions (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
    key TEXT NOT NULL, revision INTEGER NOT NULL, record BLOB NOT NULL);
CREATE TABLE threads (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, last_seen TEXT NOT NULL,
    record BLOB NOT NULL);
"""


def raw(url="https://t.me/daraa24/33190", text="انتشار لقوات الجيش في أحياء مدينة جاسم", **extra):
    return {
        "source": "daraa24-telegram",
        "platform": "telegram",
        "url": url,
        "text": text,
        "published": "2023-12-19T05:10:00+00:00",
        "collected_at": NOW,
        **extra,
    }


def log_lines(data_dir):
    path = data_dir / "export" / "posts.jsonl"
    return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []


def test_seen_again_is_not_stored_again_and_an_edit_is_a_revision(tmp_path, backend):
    session = Session(tmp_path)
    assert session.save(normalize(raw())).status == "new"
    assert session.save(normalize(raw(url="https://t.me/s/daraa24/33190"))).status == "same"
    # a view count changes on every crawl and is not a revision
    assert session.save(normalize(raw(views=2400))).status == "same"
    edited = session.save(normalize(raw(text="انتشار لقوات الجيش في أحياء مدينة جاسم (محدث)")))
    assert (edited.status, edited.record["revision"]) == ("updated", 2)
    session.close()
    lines = log_lines(tmp_path)
    assert [(line["revision"], line["text"][-6:]) for line in lines] == [
        (1, "ة جاسم"),
        (2, "(محدث)"),
    ]
    store = open_store(tmp_path)
    [post] = list(store.iter_posts())
    assert post["views"] == 2400 and post["revision"] == 2
    store.close()


def test_an_embedded_copy_never_overwrites_the_post_itself(tmp_path, backend):
    direct = raw(
        url="https://x.com/Daraa24_24/status/1737099519245131836",
        platform="x",
        text="متابعة للخبر السابق:\nانسحاب الجيش من مدينة جاسم … النص الكامل",
        source="daraa24-x",
    )
    embedded = {
        **direct,
        "text": "متابعة للخبر السابق: انسحاب الجيش…",
        "source": "enab-baladi",
        "url": "https://twitter.com/Daraa24_24/status/1737099519245131836?ref_src=twsrc%5Etfw",
        "embedded_in_url": "https://www.enabbaladi.net/archives/683290",
    }
    for order in ([direct, embedded], [embedded, direct]):
        data_dir = tmp_path / str(len(order[0]))
        backend.fresh()
        session = Session(data_dir)
        for item in order:
            session.save(normalize(item))
        session.close()
        store = open_store(data_dir)
        [post] = list(store.iter_posts())
        store.close()
        assert post["text"].endswith("النص الكامل")
        assert post["source"] == "daraa24-x"
        assert post["embedded_in"] == "https://www.enabbaladi.net/archives/683290"


def test_log_resumes_after_a_crash_between_commit_and_log(tmp_path, backend):
    session = Session(tmp_path)
    session.save(normalize(raw()))
    session.commit()  # committed, but the process dies before the log is written
    session.store.close()
    Session._open.clear()
    session = Session(tmp_path)  # reopening catches the log up
    session.save(normalize(raw(url="https://t.me/daraa24/33191", text="نص آخر")))
    session.close()
    assert [line["url"] for line in log_lines(tmp_path)] == [
        "https://t.me/daraa24/33190",
        "https://t.me/daraa24/33191",
    ]


def test_log_after_crash_between_log_write_and_position_save_has_no_duplicate(tmp_path, backend):
    session = Session(tmp_path)
    session.save(normalize(raw()))
    session.commit()
    # the log line is written and synced, but the saved position is lost with the process
    session.log.catch_up()
    session.store.db.execute("ROLLBACK")
    session.store._in_tx = False
    session.store.close()
    Session._open.clear()
    Session(tmp_path).close()
    assert len(log_lines(tmp_path)) == 1


def test_log_catches_up_on_commits_it_did_not_follow_one_by_one(tmp_path, backend):
    session = Session(tmp_path)
    session.save(normalize(raw()))
    session.commit()
    session.save(normalize(raw(url="https://t.me/daraa24/33191", text="نص آخر")))
    session.commit()
    session.write_logs()
    session.save(normalize(raw(url="https://t.me/daraa24/33192", text="نص ثالث")))
    session.close()
    assert [line["url"][-5:] for line in log_lines(tmp_path)] == ["33190", "33191", "33192"]


@pytest.mark.parametrize("torn", [b'{"id": "abc", "te', b"{", b"\xd8"])
def test_torn_last_line_is_cut_off(tmp_path, torn):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"id":"a","revision":1}\n{"id":"b","revision":1}\n' + torn)
    assert repair_tail(path) == b'{"id":"b","revision":1}'
    assert path.read_bytes().endswith(b'"revision":1}\n')


def test_torn_only_line(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"id":"a"')
    assert repair_tail(path) is None
    assert path.read_bytes() == b""


def make_old_data_dir(data_dir, post, thread):
    db = sqlite3.connect(data_dir / "monitor.sqlite3")
    db.executescript(OLD_SCHEMA)
    db.execute(
        "INSERT INTO revisions (kind, key, revision, record) VALUES ('post', ?, 1, ?)",
        (post["id"], dumps(post)),
    )
    db.execute(
        "INSERT INTO posts VALUES (?, 1, 1, 1, ?, ?, 0, ?)",
        (post["id"], post["source"], sort_time(post), dumps(post)),
    )
    db.execute(
        "INSERT INTO revisions (kind, key, revision, record) VALUES ('thread', ?, 1, ?)",
        (thread["thread_id"], dump_thread(thread)),
    )
    db.execute(
        "INSERT INTO threads VALUES (?, 1, ?, ?)", (thread["thread_id"], NOW, dump_thread(thread))
    )
    db.commit()
    db.close()


def test_a_data_dir_made_before_records_were_kept_once_still_works(tmp_path):
    post = {**normalize(raw()), "revision": 1}
    thread = orjson.loads(dump_thread({"thread_id": "t1", "title": "جاسم", "revision": 1}))
    make_old_data_dir(tmp_path, post, thread)
    session = Session(tmp_path)
    assert session.store.get(post["id"]) == post
    assert session.store.get_thread("t1") == thread
    edited = session.save(normalize(raw(text="انتشار لقوات الجيش في أحياء مدينة جاسم (محدث)")))
    assert (edited.status, edited.record["revision"]) == ("updated", 2)
    other = session.save(normalize(raw(url="https://t.me/daraa24/33191", text="نص آخر")))
    assert other.status == "new"
    assert session.store.save_thread({**thread, "title": "حصار جاسم"})
    session.close()
    assert [(line["id"], line["revision"]) for line in log_lines(tmp_path)] == [
        (post["id"], 1),
        (post["id"], 2),
        (other.record["id"], 1),
    ]
    threads_log = (tmp_path / "export" / "threads.jsonl").read_bytes().splitlines()
    assert [orjson.loads(line)["revision"] for line in threads_log] == [1, 2]
    store = open_store(tmp_path)
    assert [p["text"][-6:] for p in store.iter_posts()] == ["(محدث)", "نص آخر"]
    assert store.get_thread("t1")["title"] == "حصار جاسم"
    store.close()
