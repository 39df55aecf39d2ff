"""The story engine on small Arabic scenarios, each a case the labelled corpus also holds."""

from __future__ import annotations

import gc
import itertools
from pathlib import Path

import pytest

from monitor.normalize.posts import normalize
from monitor.store.session import Session
from tests.conftest import latest_by_id, read_jsonl

MORNING = "عـاجـل | انتشار لقوات الجيش في عدد من أحياء مدينة جاسم بريف درعا الشمالي، بالتزامن مع تحليق لطائرة استطلاع في سماء المدينة. #جاسم #درعا"
FOLLOW_UP = (
    "متابعة للخبر السابق:\nانسحاب الجيش من مدينة جاسم في الريف الشمالي من محافظة درعا، بعد انتشاره في بعض "
    "الطرقات لمدة قليلة كما أوردنا في خبرنا السابق، وما زالت طائرة الاستطلاع تحوم في سماء المدينة.#جاسم #الجيش"
)


def post(url: str, text: str, published: str, source: str = "daraa24-telegram", **extra) -> dict:
    platform = "telegram" if "t.me" in url else "x" if "x.com" in url else "web"
    return {
        "source": source,
        "platform": platform,
        "url": url,
        "text": text,
        "published": published,
        "collected_at": "2023-12-21T00:00:00+00:00",
        **extra,
    }


class Run:
    """Raw items through normalise → dedupe → thread → link → store → export."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir

    def __call__(self, *items: dict) -> dict[str, dict]:
        session = Session.acquire(self.data_dir)
        try:
            for item in items:
                record = normalize(item, gazetteer=session.engine.gazetteer)
                session.ingest(record)
        finally:
            session.release()
        return self.posts()

    def posts(self) -> dict[str, dict]:
        """The current state, by URL, from the change log (last line of an id wins)."""
        log = read_jsonl(self.data_dir / "export" / "posts.jsonl")
        return {p["url"]: p for p in latest_by_id(log).values()}

    def revisions(self, url: str) -> list[dict]:
        return [
            line
            for line in read_jsonl(self.data_dir / "export" / "posts.jsonl")
            if line["url"] == url
        ]


@pytest.fixture
def run(tmp_path) -> Run:
    return Run(tmp_path)


def test_cross_platform_copies_point_at_the_earliest(run):
    posts = run(
        post("https://t.me/daraa24/33190", MORNING, "2023-12-19T05:10:00+00:00"),
        post(
            "https://x.com/Daraa24_24/status/1736977814609938481",
            "عاجل | انتشار لقوات الجيش في عدد من احياء مدينة جاسم بريف درعا الشمالي، بالتزامن مع تحليق لطائرة استطلاع في سماء المدينة… pic.twitter.com/x1",
            "Tue, 19 Dec 2023 05:12:37 GMT",
            source="daraa24-x",
        ),
        post(
            "https://daraa24.org/archives/51901",
            "انتشار لقوات الجيش في عدد من أحياء مدينة جاسم بريف درعا الشمالي، بالتزامن مع تحليق لطائرة استطلاع في سماء المدينة.\nالمصدر: مراسل درعا 24",
            "الثلاثاء 19 كانون الأول 2023 - 08:25",
            source="daraa24-site",
            title="انتشار لقوات الجيش في جاسم",
        ),
        post(
            "https://www.facebook.com/suwayda24/posts/1",
            "🔴 انتشار لقوات الجيش في عدد من أحياء مدينة جاسم بريف درعا الشمالي، بالتزامن مع تحليق لطائرة استطلاع في سماء المدينة (درعا 24)",
            "2023-12-19T06:02:00+00:00",
            source="suwayda24-facebook",
        ),
    )
    original = posts["https://t.me/daraa24/33190"]
    copies = [p for url, p in posts.items() if url != original["url"]]
    assert original["duplicate_of"] is None
    assert [c["duplicate_of"] for c in copies] == [original["id"]] * 3
    assert {p["thread_id"] for p in posts.values()} == {original["thread_id"]}
    assert all(c["follows_up"] is None for c in copies)  # a copy repeats; it continues nothing


def test_a_copy_that_arrives_first_is_repointed_when_the_original_arrives(run):
    x_url = "https://x.com/Daraa24_24/status/1736977814609938481"
    run(
        post(
            x_url,
            MORNING.replace("عـاجـل", "عاجل"),
            "2023-12-19T05:12:37+00:00",
            source="daraa24-x",
        )
    )
    posts = run(post("https://t.me/daraa24/33190", MORNING, "2023-12-19T05:10:00+00:00"))
    assert posts[x_url]["duplicate_of"] == posts["https://t.me/daraa24/33190"]["id"]
    assert [r["revision"] for r in run.revisions(x_url)] == [1, 2]


def test_a_follow_up_that_arrives_first_gets_its_link_when_the_report_arrives(run):
    follow_up = "https://t.me/daraa24/33197"
    run(post(follow_up, FOLLOW_UP, "2023-12-19T13:16:41+00:00"))
    posts = run(post("https://t.me/daraa24/33190", MORNING, "2023-12-19T05:10:00+00:00"))
    assert posts[follow_up]["follows_up"] == posts["https://t.me/daraa24/33190"]["id"]
    assert posts[follow_up]["link_type"] == "follow_up"
    assert posts[follow_up]["link_evidence"] == 'marker "متابعة للخبر السابق"'
    assert posts[follow_up]["thread_id"] == posts["https://t.me/daraa24/33190"]["thread_id"]
    assert [r["follows_up"] is not None for r in run.revisions(follow_up)] == [False, True]


def test_replies_corrections_and_the_two_word_reply(run):
    first = "https://t.me/suwayda24/57104"
    posts = run(
        post(
            first,
            "ساحة الكرامة | لليوم الـ 122 على التوالي، وقفة احتجاجية في الساحة رغم البرد والأمطار، رفع خلالها المحتجون لافتات تطالب بالإفراج عن المعتقلين.",
            "2023-12-16T10:20:00+00:00",
            source="suwayda24-telegram",
        ),
        post(
            "https://t.me/suwayda24/57105",
            "صور من ساحة الكرامة اليوم 📸",
            "2023-12-16T10:40:00+00:00",
            source="suwayda24-telegram",
            reply_to_url=first,
        ),
        post(
            "https://t.me/suwayda24/57106",
            "تصحيح: لليوم الـ 123 وليس 122 كما ورد.",
            "2023-12-16T11:00:00+00:00",
            source="suwayda24-telegram",
            reply_to_url=first,
        ),
    )
    photos, correction = (
        posts["https://t.me/suwayda24/57105"],
        posts["https://t.me/suwayda24/57106"],
    )
    assert (photos["follows_up"], photos["link_type"]) == (posts[first]["id"], "reply")
    assert (correction["follows_up"], correction["link_type"]) == (posts[first]["id"], "correction")
    assert photos["thread_id"] == correction["thread_id"] == posts[first]["thread_id"]


def test_same_town_different_story_and_same_story_kind_in_another_town(run):
    posts = run(
        post(
            "https://t.me/daraa24/33158",
            "عـاجـل | مقتل ٤ عناصر من فرع أمن الدولة وإصابة اثنين آخرين، جراء استهداف سيارتهم بعبوة ناسفة على طريق إنخل – جاسم بريف درعا الشمالي.",
            "2023-12-14T18:35:00+00:00",
        ),
        post(
            "https://t.me/daraa24/33163",
            "عاجل | أجهزة النظام الأمنية تُخلي مواقعها العسكرية داخل مدينة جاسم وتفرض حصاراً على المدينة عبر إغلاق الطرقات الرئيسية.",
            "2023-12-16T08:40:00+00:00",
        ),
        post(
            "https://t.me/daraa24/33165",
            "#جاسم | استمرار الحصار المفروض على مدينة جاسم لليوم الثاني، ومنع الأهالي من الدخول والخروج.",
            "2023-12-17T07:05:00+00:00",
        ),
        post(
            "https://t.me/daraa24/33172",
            "#طفس | قوات النظام تفرض حصاراً على مدينة طفس وتغلق الطرقات الرئيسية المؤدية إليها، وتطالب بتسليم مطلوبين.",
            "2023-12-17T18:00:00+00:00",
        ),
        post(
            "https://www.syriahr.com/en/1/",
            "Regime forces continue their siege of Jasim in northern Daraa countryside for a second day",
            "2023-12-17T12:00:00+00:00",
            source="sohr-en",
            title="Siege of Jasim continues",
        ),
    )
    bomb, siege, siege_2, tafas, english = (
        posts[u]
        for u in (
            "https://t.me/daraa24/33158",
            "https://t.me/daraa24/33163",
            "https://t.me/daraa24/33165",
            "https://t.me/daraa24/33172",
            "https://www.syriahr.com/en/1/",
        )
    )
    assert siege["thread_id"] == siege_2["thread_id"] == english["thread_id"]
    assert bomb["thread_id"] != siege["thread_id"]
    assert tafas["thread_id"] != siege["thread_id"]


def test_daily_template_posts_and_rising_tolls_are_not_copies(run):
    template = "ساحة الكرامة | لليوم الـ {} على التوالي، تتواصل الاحتجاجات السلمية في ساحة الكرامة وسط مدينة السويداء، حيث رفع المحتجون لافتات تطالب بالتغيير السياسي."
    posts = run(
        post(
            "https://t.me/suwayda24/1",
            template.format(122),
            "2023-12-16T10:00:00+00:00",
            source="suwayda24-telegram",
        ),
        post(
            "https://t.me/suwayda24/2",
            template.format(123),
            "2023-12-17T10:00:00+00:00",
            source="suwayda24-telegram",
        ),
        post(
            "https://t.me/daraa24/1",
            "مقتل طفلين وإصابة ٣ آخرين بانفجار جسم من مخلفات الحرب في بلدة بصر الحرير بريف درعا الشرقي.",
            "2023-12-18T10:45:00+00:00",
        ),
        post(
            "https://t.me/daraa24/2",
            "ارتفاع حصيلة ضحايا انفجار مخلفات الحرب في بلدة بصر الحرير بريف درعا الشرقي إلى ٣ أطفال.",
            "2023-12-18T15:30:00+00:00",
        ),
    )
    assert all(p["duplicate_of"] is None for p in posts.values())
    toll = posts["https://t.me/daraa24/2"]
    assert (toll["follows_up"], toll["link_type"]) == (
        posts["https://t.me/daraa24/1"]["id"],
        "update",
    )


def test_the_same_input_gives_the_same_threads(tmp_path):
    items = [
        post("https://t.me/daraa24/33190", MORNING, "2023-12-19T05:10:00+00:00"),
        post("https://t.me/daraa24/33197", FOLLOW_UP, "2023-12-19T13:16:41+00:00"),
        post(
            "https://t.me/daraa24/33172",
            "#طفس | قوات النظام تفرض حصاراً على مدينة طفس",
            "2023-12-17T18:00:00+00:00",
        ),
    ]
    first, second = Run(tmp_path / "a")(*items), Run(tmp_path / "b")(*items)
    assert {u: p["thread_id"] for u, p in first.items()} == {
        u: p["thread_id"] for u, p in second.items()
    }


def test_replaying_a_file_writes_the_same_logs_on_a_slow_machine(tmp_path, monkeypatch):
    """A file is replayed in commits of `batch_size` posts, whatever the clock: a machine slow
    enough to pass the 2 s commit interval between two posts writes the same change logs as a
    fast one (no extra commits, so no extra intermediate thread revisions)."""
    from monitor.collect.replay import ReplayReport, read_lines, replay
    from monitor.store import session as session_module

    corpus = Path(__file__).parent / "data" / "stories" / "corpus.jsonl"

    def logs(data_dir: Path) -> tuple[bytes, bytes]:
        report = ReplayReport()
        with corpus.open("rb") as handle:
            replay(read_lines(handle, report), data_dir, report)
        assert report.new > 150
        export = data_dir / "export"
        return (export / "posts.jsonl").read_bytes(), (export / "threads.jsonl").read_bytes()

    fast = logs(tmp_path / "fast")
    clock = itertools.count(0.0, 5.0)  # five seconds pass between any two looks at the clock
    monkeypatch.setattr(session_module.time, "monotonic", lambda: next(clock))
    assert logs(tmp_path / "slow") == fast


def test_a_later_run_continues_the_threads_of_an_earlier_one(run):
    run(post("https://t.me/daraa24/33190", MORNING, "2023-12-19T05:10:00+00:00"))
    # a new process: the engine warms up from the store
    posts = run(post("https://t.me/daraa24/33197", FOLLOW_UP, "2023-12-19T13:16:41+00:00"))
    assert (
        posts["https://t.me/daraa24/33197"]["thread_id"]
        == posts["https://t.me/daraa24/33190"]["thread_id"]
    )
    assert (
        posts["https://t.me/daraa24/33197"]["follows_up"]
        == posts["https://t.me/daraa24/33190"]["id"]
    )
    threads = read_jsonl(run.data_dir / "export" / "threads.jsonl")
    latest = {t["thread_id"]: t for t in threads}[posts["https://t.me/daraa24/33190"]["thread_id"]]
    assert latest["post_count"] == 2 and latest["places"][0] == "daraa/jasim"
    assert latest["title"].startswith("عـاجـل | انتشار لقوات الجيش")


def test_replay_makes_no_reference_cycles(tmp_path):
    """Replay turns the cycle collector off (`no_cycle_collection`): that is safe only while
    the stages leave no cycles behind, so that reference counting frees every forgotten post.
    The labelled corpus (copies promoted, follow-ups before their reports, replies), then a
    synthetic stream through an engine with short windows, so that it forgets posts and
    closes threads many times over (and copies of copies outlive their first original, which
    once raised a KeyError)."""
    from benchmarks.stream import Stream
    from monitor.collect.replay import no_cycle_collection
    from monitor.story.config import CopiesConfig, EngineConfig, MemoryConfig, ThreadsConfig
    from monitor.story.engine import Engine

    stories = Path(__file__).parent / "data" / "stories"
    items = [
        line for name in ("corpus", "holdout") for line in read_jsonl(stories / f"{name}.jsonl")
    ]
    items += list(Stream(3000).items())
    hours = 3600.0
    session = Session.acquire(tmp_path / "data")
    session._engine = Engine(
        session.store,
        EngineConfig(
            copies=CopiesConfig(window_seconds=2 * hours),
            threads=ThreadsConfig(quiet_seconds=6 * hours),
            memory=MemoryConfig(keep_recent=50),
        ),
    )
    gc.collect()
    with no_cycle_collection():
        for item in items:
            session.ingest(normalize(item, gazetteer=session.engine.gazetteer))
        session.release()
        assert len(session.engine.known) < 1000  # posts were forgotten
        assert gc.collect() == 0


def test_a_warm_start_prepares_the_window_in_batches_as_each_post_alone(tmp_path):
    """A new process rebuilds the copy index from the store's recent posts, a batch of them
    at a time (`Engine.prepare`): the same shingles and band keys as a post on its own gets,
    for a window of several batches."""
    from benchmarks.stream import Stream
    from monitor.story.copies import DedupeIndex
    from monitor.story.engine import PREPARED_BATCH, Engine

    session = Session.acquire(tmp_path / "data")
    for item in Stream(3 * PREPARED_BATCH).items():
        session.ingest(normalize(item, gazetteer=session.engine.gazetteer))
    session.release()
    session = Session.acquire(tmp_path / "data")
    try:
        warm = Engine(session.store)
        assert warm.warm_up() == 3 * PREPARED_BATCH
        alone = DedupeIndex()
        checked = 0
        for record in session.store.iter_posts():
            entry = warm.copies.index.entries.get(record["id"])
            expected = alone.signature(warm.engine_text(record))
            assert (entry is None) == (expected is None)
            if entry is not None:
                assert entry.shingles.tolist() == expected.shingles.tolist()
                assert entry.band_keys.tolist() == expected.band_keys.tolist()
                checked += 1
        assert checked > 2 * PREPARED_BATCH
    finally:
        session.release()


# -- schema version 2: evidence, date precision, a publisher's own updates ------------------

SIEGE = "جاسم | أجهزة النظام الأمنية تُخلي مقراتها داخل مدينة جاسم بريف درعا الشمالي، وسط انتشار لعناصر من الأمن العسكري على مداخل المدينة"
SIEGE_LATER = "جاسم | قوات النظام تفرض طوقاً أمنياً على مدينة جاسم بريف درعا الشمالي وتغلق الطرقات الرئيسية المؤدية إلى المدينة، وعناصر الأمن العسكري على مداخلها"


def test_a_date_without_a_time_is_not_earlier_than_a_time_on_that_day(run):
    """A site that prints only "19 كانون الأول 2023" does not make its copy the original of
    a post stamped 05:10 that day; a date of the day before does."""
    exact = "https://t.me/daraa24/33190"
    same_day = "https://www.example-site.org/archives/1"
    day_before = "https://www.example-site.org/archives/2"
    posts = run(
        post(exact, MORNING, "2023-12-19T05:10:00+00:00"),
        post(same_day, MORNING, "19 كانون الأول 2023", source="example-site"),
    )
    assert posts[same_day]["duplicate_of"] == posts[exact]["id"]
    assert posts[exact]["duplicate_of"] is None
    assert posts[same_day]["duplicate_evidence"]["kind"] == "exact"
    assert posts[same_day]["duplicate_evidence"]["matched"] == posts[exact]["id"]
    posts = run(post(day_before, MORNING, "18 كانون الأول 2023", source="example-site"))
    # the day before is earlier at either precision: it is the original of them all now
    assert posts[day_before]["duplicate_of"] is None
    assert (
        posts[exact]["duplicate_of"] == posts[same_day]["duplicate_of"] == posts[day_before]["id"]
    )


def test_a_date_only_post_seen_first_stays_the_original_on_its_day(run):
    exact = "https://t.me/daraa24/33190"
    same_day = "https://www.example-site.org/archives/1"
    posts = run(
        post(same_day, MORNING, "19 كانون الأول 2023", source="example-site"),
        post(exact, MORNING, "2023-12-19T05:10:00+00:00"),
    )
    assert posts[exact]["duplicate_of"] == posts[same_day]["id"]
    assert posts[same_day]["duplicate_of"] is None


def test_a_publishers_later_post_in_a_story_continues_its_earlier_one(run):
    """No marker, no reply, no link: the same channel's next post in the story is an update of
    its latest earlier post there; another publisher's is no follow-up without evidence."""
    first, later = "https://t.me/daraa24/33163", "https://t.me/daraa24/33171"
    other = "https://t.me/ahrarhoran/40950"
    posts = run(
        post(first, SIEGE, "2023-12-16T06:05:00+00:00"),
        post(later, SIEGE_LATER, "2023-12-16T09:40:00+00:00"),
        post(
            other,
            SIEGE_LATER.replace("جاسم |", "ريف درعا |"),
            "2023-12-16T10:00:00+00:00",
            source="horan-free-league-telegram",
        ),
    )
    assert posts[later]["thread_id"] == posts[first]["thread_id"] == posts[other]["thread_id"]
    assert posts[later]["follows_up"] == posts[first]["id"]
    assert posts[later]["link_type"] == "update"
    assert posts[later]["link_evidence"] == "same publisher, same story"
    assert posts[other]["follows_up"] is None
    evidence = posts[later]["thread_evidence"]
    assert evidence["kind"] == "score" and evidence["score"] >= evidence["threshold"]
    assert "جاسم" in evidence["shared_terms"]
    assert posts[first]["thread_evidence"]["kind"] == "new"


def test_an_earlier_report_that_arrives_late_becomes_the_one_continued(run):
    first, later = "https://t.me/daraa24/33163", "https://t.me/daraa24/33171"
    posts = run(
        post(later, SIEGE_LATER, "2023-12-16T09:40:00+00:00"),
        post(first, SIEGE, "2023-12-16T06:05:00+00:00"),
    )
    assert posts[later]["follows_up"] == posts[first]["id"]
    assert len(run.revisions(later)) == 2  # relinked when its report came


def test_a_publisher_can_be_told_not_to_continue_itself(tmp_path):
    from monitor.story.config import EngineConfig

    first, later = "https://t.me/daraa24/33163", "https://t.me/daraa24/33171"
    session = Session.acquire(tmp_path, EngineConfig().with_values({"links.same_publisher": False}))
    try:
        for item in (
            post(first, SIEGE, "2023-12-16T06:05:00+00:00"),
            post(later, SIEGE_LATER, "2023-12-16T09:40:00+00:00"),
        ):
            session.ingest(normalize(item, gazetteer=session.engine.gazetteer))
    finally:
        session.release()
    assert Run(tmp_path).posts()[later]["follows_up"] is None


def test_forced_joins_say_why(run):
    reply = "https://t.me/daraa24/33191"
    posts = run(
        post("https://t.me/daraa24/33190", MORNING, "2023-12-19T05:10:00+00:00"),
        post(
            reply,
            "صورة من المكان",
            "2023-12-19T05:20:00+00:00",
            reply_to_url="https://t.me/daraa24/33190",
        ),
    )
    evidence = posts[reply]["thread_evidence"]
    assert evidence == {
        "kind": "reply",
        "post": posts["https://t.me/daraa24/33190"]["id"],
        "summary": "reply to https://t.me/daraa24/33190",
    }
