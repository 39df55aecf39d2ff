"""A made-up landscape of Syrian local news sources, served over HTTP on loopback addresses,
that keeps publishing while it runs: the fixture of the load simulation (`run.py`).

    python -m benchmarks.loadsim.server                      # 5,000 sources, clock ×60
    python -m benchmarks.loadsim.server --sources 500 --speed 600 --port 8800

About 70 % of the sources are RSS feeds (`http://ADDRESS:PORT/<site>/feed/`, the latest 20
posts) and 30 % public Telegram channels in the t.me/s layout (`http://ADDRESS:PORT/s/<channel>`,
the latest 20 posts oldest first, older ones through `?before=<id>`). Each source has its own
loopback address (127.1.x.y; Linux routes all of 127/8 to lo), so Scrapy's per-site politeness
applies per source as it would on the real sites, not to one host shared by thousands;
`--shared-telegram-host` puts every channel on one address instead, as on t.me.

Each source publishes at its own rate, drawn once from a heavy-tailed (log-normal) mix: the
median feed about 5 posts a simulated day and the median channel about 10, one source in seven
above 20 a day, a few dozen above 100 and a handful at the cap of 200. Arrivals are a Poisson
process on a simulated clock that runs `--speed` times faster than the real one (60: a real
minute is a simulated hour) from a fixed epoch; every source already has a few hours of
history (`--history`).
A post is a pure function of (seed, source, index): Arabic text drawn from a word list, its
own URL, its publication time. Answers carry an ETag and a matching If-None-Match gets 304.

Control endpoints (any address, usually 127.0.0.1:PORT):

    /_sources.toml?every=1m   the sources file for these sources
    /_clock?stop=1            stop the clock: nothing is published after this
    /_ledger?until=UNIXTIME   every post published by then (default: now), as TSV lines
                              `url source published_iso served after_stop`; `served` is 1
                              when some 200 answer carried the post (0: it left the 20-post
                              window unseen), `after_stop` 1 when its source's entry page was
                              fetched after the clock stopped
    /_stats                   JSON counters: requests by kind and status, posts published,
                              when each source's entry page was last fetched

On start it prints one JSON line on stdout (`{"control": URL, "port": P, ...}`); SIGTERM or
Ctrl-C stops it. The server is one asyncio loop with a hand-written HTTP/1.1 reader (keep-alive,
GET only): stdlib's http.server spends more on parsing than this spends on a page.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import html
import json
import random
import signal
import socket
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from urllib.parse import parse_qs, quote

# The words of benchmarks/crawl_feeds.py, and more of what Syrian local outlets write about.
WORDS = (
    "قوات النظام جاسم درعا طفس السويداء اشتباكات مقتل إصابة حصار انسحاب اتفاق وجهاء المدينة "
    "الطريق تعزيزات عسكرية الأهالي ريف الشمالي الغربي مصادر محلية "
    "الأمن العسكري حاجز دورية اعتقال شاب مدني مجهولين إطلاق نار عبوة ناسفة انفجار سيارة "
    "مسلحين عملية اغتيال عنصر سابق فصائل التسوية المصالحة اللجنة المركزية مظاهرة احتجاج "
    "ساحة الكرامة مطالب المعتقلين الخبز المحروقات الكهرباء المياه انقطاع أسعار ارتفاع الليرة "
    "الدولار الأسواق الزراعة المحاصيل القمح الشعير الجفاف الأمطار المدارس الطلاب امتحانات "
    "المستشفى الوطني الهلال الأحمر مساعدات إنسانية النازحين العائدين الحدود الأردنية معبر "
    "نصيب تهريب المخدرات الكبتاغون ضبط شحنة ميليشيات إيرانية حزب الله الفرقة الرابعة "
    "البلدة القرية الحي الجنوبي الشرقي صباح اليوم مساء أمس ليلة الأحد الاثنين الثلاثاء "
    "الأربعاء الخميس الجمعة السبت بحسب مراسل أفاد ناشطون وثق تقرير شهري حصيلة ضحايا أطفال "
    "نساء جرحى نقل إلى المشفى حالة خطرة بلدية مجلس محافظ المحافظة قرار تعميم رسوم ضرائب"
).split()
PLACES = (
    ("daraa", "درعا"),
    ("tafas", "طفس"),
    ("jasim", "جاسم"),
    ("nawa", "نوى"),
    ("inkhil", "إنخل"),
    ("sanamayn", "الصنمين"),
    ("busra", "بصرى الشام"),
    ("izraa", "إزرع"),
    ("dael", "داعل"),
    ("harak", "الحراك"),
    ("muzayrib", "المزيريب"),
    ("suwayda", "السويداء"),
    ("shahba", "شهبا"),
    ("salkhad", "صلخد"),
    ("qurayya", "القريا"),
    ("quneitra", "القنيطرة"),
    ("khanarnabeh", "خان أرنبة"),
    ("douma", "دوما"),
    ("harasta", "حرستا"),
    ("tall", "التل"),
    ("zabadani", "الزبداني"),
    ("jaramana", "جرمانا"),
    ("daraya", "داريا"),
    ("homs", "حمص"),
    ("hama", "حماة"),
    ("idlib", "إدلب"),
    ("raqqa", "الرقة"),
    ("deirezzor", "دير الزور"),
    ("hasakah", "الحسكة"),
    ("qamishli", "القامشلي"),
    ("manbij", "منبج"),
    ("afrin", "عفرين"),
    ("azaz", "اعزاز"),
    ("tartus", "طرطوس"),
    ("latakia", "اللاذقية"),
    ("jableh", "جبلة"),
)
# (handle suffix, title pattern): how local outlets name themselves.
OUTLETS = (
    ("24", "{place} 24"),
    ("now", "{place} الآن"),
    ("news", "أخبار {place}"),
    ("voice", "صوت {place}"),
    ("net", "شبكة {place} الإخبارية"),
    ("today", "{place} اليوم"),
    ("free", "{place} الحرة"),
    ("media", "تنسيقية {place}"),
)
PAGE_POSTS = 20  # what a feed shows, and a t.me/s page
CONTROL_HOST = "127.0.0.1"
EPOCH = datetime(2024, 12, 1, 6, 0, tzinfo=UTC).timestamp()
# Closing a connection idle this long keeps the sockets in hand bounded: every worker keeps a
# pool of connections per site, and there are thousands of sites.
IDLE_SECONDS = 15.0
MAX_HEAD = 16 * 1024
DAY = 86400.0


@dataclass(frozen=True)
class Source:
    """One made-up outlet: a site with a feed, or a Telegram channel."""

    number: int
    kind: str  # "rss" or "telegram", as in sources.toml
    name: str  # its name in sources.toml
    handle: str  # the channel, or the site's first path segment
    title: str
    host: str  # the loopback address it is served on
    per_day: float  # posts a simulated day

    @property
    def entry_path(self) -> str:
        return f"/s/{self.handle}" if self.kind == "telegram" else f"/{self.handle}/feed/"


@dataclass(frozen=True)
class Post:
    index: int  # 1, 2, ... in publication order (a channel's message id)
    url: str
    published: float  # simulated unix time
    title: str
    text: str
    tags: tuple[str, ...]


def address(number: int) -> str:
    """Source `number`'s own loopback address: 127.1.0.1, 127.1.0.2, ... (250 a /24)."""
    block, low = divmod(number, 250)
    high, mid = divmod(block, 250)
    return f"127.{1 + high}.{mid}.{low + 1}"


def make_sources(
    count: int,
    seed: int = 1,
    *,
    telegram_share: float = 0.3,
    shared_telegram_host: bool = False,
) -> list[Source]:
    """`count` sources, the same for the same arguments."""
    rng = random.Random(f"sources:{seed}")
    sources = []
    for number in range(count):
        latin, arabic = rng.choice(PLACES)
        suffix, pattern = rng.choice(OUTLETS)
        telegram = rng.random() < telegram_share
        # Log-normal rates: most outlets post a few to ~20 times a day, a few many more;
        # channels post about twice as often as sites. sigma 1.1 puts ~15 % above 20 a day.
        median = 10.0 if telegram else 5.0
        per_day = min(max(rng.lognormvariate(0.0, 1.1) * median, 0.5), 200.0)
        handle = f"{latin}_{suffix}_{number:04d}"  # a valid channel name: a letter first
        shared = telegram and shared_telegram_host
        sources.append(
            Source(
                number=number,
                kind="telegram" if telegram else "rss",
                name=f"{handle.replace('_', '-')}-{'tg' if telegram else 'site'}",
                handle=handle,
                title=pattern.format(place=arabic),
                host=address(0) if shared else address(number),
                per_day=per_day,
            )
        )
    return sources


class Clock:
    """Simulated time: `speed` simulated seconds a real second from `epoch`, until stopped."""

    def __init__(self, speed: float, epoch: float = EPOCH, started: float | None = None):
        self.speed = speed
        self.epoch = epoch
        self.started = time.time() if started is None else started
        self.stopped_at: float | None = None

    def sim(self, real: float | None = None) -> float:
        real = time.time() if real is None else real
        if self.stopped_at is not None:
            real = min(real, self.stopped_at)
        return self.epoch + max(real - self.started, 0.0) * self.speed

    def stop(self) -> float:
        if self.stopped_at is None:
            self.stopped_at = time.time()
        return self.stopped_at


@dataclass
class Stats:
    requests: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    bytes_sent: int = 0
    posts_served: int = 0
    first_request: float | None = None
    last_request: float | None = None

    def count(self, kind: str, status: int, size: int) -> None:
        now = time.time()
        self.requests += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        self.by_status[str(status)] = self.by_status.get(str(status), 0) + 1
        self.bytes_sent += size
        if self.first_request is None:
            self.first_request = now
        self.last_request = now


class Landscape:
    """The sources, what each has published by a simulated time, and the pages that show it."""

    def __init__(
        self,
        sources: list[Source],
        clock: Clock,
        *,
        seed: int = 1,
        history_hours: float = 2.0,
        port: int = 0,
    ):
        self.sources = sources
        self.clock = clock
        self.seed = seed
        self.port = port
        self.by_handle = {source.handle: source for source in sources}
        history = history_hours * 3600
        self._rngs = [random.Random(f"times:{seed}:{s.number}") for s in sources]
        # times[n] holds source n's publication times, always one past the last published.
        self._times: list[list[float]] = []
        for source, rng in zip(sources, self._rngs, strict=True):
            first = clock.epoch - history + rng.expovariate(source.per_day / DAY)
            if first > clock.epoch:  # every source has posted at least once before the start
                first = clock.epoch - history * rng.random()
            self._times.append([first])
        self.served: list[set[int]] = [set() for _ in sources]
        # Real time of each source's entry page fetches: when last, how many, the longest gap.
        self.last_fetch: list[float | None] = [None] * len(sources)
        self.fetches = [0] * len(sources)
        self.max_gap = [0.0] * len(sources)
        self.gap_total = 0.0
        self.gap_count = 0
        self.stats = Stats()
        # Rendered posts and pages; pages are keyed by the posts they show, so a cached page is
        # never stale (posts never change) and its key is its ETag.
        self._fragments: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self._pages: OrderedDict[tuple[int, int, int], bytes] = OrderedDict()

    # -- what is published -------------------------------------------------------------------

    def published(self, source: Source, sim: float) -> int:
        """How many posts `source` has published by simulated time `sim`."""
        times = self._times[source.number]
        if times[-1] <= sim:
            rng = self._rngs[source.number]
            rate = source.per_day / DAY
            while times[-1] <= sim:
                times.append(times[-1] + rng.expovariate(rate))
        return bisect.bisect_right(times, sim)

    def post_url(self, source: Source, index: int) -> str:
        if source.kind == "telegram":
            return f"https://t.me/{source.handle}/{index}"
        return f"http://{source.host}:{self.port}/{source.handle}/archives/{index}"

    def post(self, source: Source, index: int) -> Post:
        rng = random.Random(f"post:{self.seed}:{source.number}:{index}")
        words = rng.choices(WORDS, k=rng.randint(18, 70))
        place = rng.choice(PLACES)[1]
        words.insert(rng.randrange(len(words)), place)
        split = rng.randrange(len(words) // 2, len(words))
        text = " ".join(words[:split]) + "،\n" + " ".join(words[split:]) + "."
        tags = (place.replace(" ", "_"), rng.choice(PLACES)[1].replace(" ", "_"))
        return Post(
            index=index,
            url=self.post_url(source, index),
            published=self._times[source.number][index - 1],
            title=" ".join(rng.choices(WORDS, k=rng.randint(5, 11))),
            text=text,
            tags=tags,
        )

    def ledger(self, until: float | None = None) -> Iterator[tuple[str, Source, float, bool]]:
        """(url, source, published, served) of every post published by real time `until`."""
        sim = self.clock.sim(until)
        for source in self.sources:
            served = self.served[source.number]
            for index in range(1, self.published(source, sim) + 1):
                published = self._times[source.number][index - 1]
                yield self.post_url(source, index), source, published, index in served

    # -- pages -------------------------------------------------------------------------------

    def page(self, source: Source, before: int | None) -> tuple[bytes, str, int, int]:
        """(body, etag, first index, last index) of the entry page or an older channel page."""
        count = self.published(source, self.clock.sim())
        last = count if before is None else min(before - 1, count)
        first = max(last - PAGE_POSTS + 1, 1)
        key = (source.number, first, last)
        body = self._pages.get(key)
        if body is None:
            if source.kind == "telegram":
                body = self._channel_page(source, first, last)
            else:
                body = self._feed(source, first, last)
            self._pages[key] = body
            if len(self._pages) > 2048:
                self._pages.popitem(last=False)
        return body, f'"{source.number}-{first}-{last}"', first, last

    def _fragment(self, source: Source, index: int) -> bytes:
        key = (source.number, index)
        fragment = self._fragments.get(key)
        if fragment is None:
            post = self.post(source, index)
            render = _channel_message if source.kind == "telegram" else _feed_item
            fragment = render(source, post).encode()
            self._fragments[key] = fragment
            if len(self._fragments) > 50_000:
                self._fragments.popitem(last=False)
        return fragment

    def _feed(self, source: Source, first: int, last: int) -> bytes:
        home = f"http://{source.host}:{self.port}/{source.handle}/"
        built = formatdate(self._times[source.number][last - 1], usegmt=True) if last else ""
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{html.escape(source.title)}</title><link>{home}</link>"
            f"<description>{html.escape(source.title)}</description><language>ar</language>"
            f"<lastBuildDate>{built}</lastBuildDate>\n"
        ).encode()
        items = [self._fragment(source, index) for index in range(last, first - 1, -1)]
        return head + b"".join(items) + b"</channel></rss>\n"

    def _channel_page(self, source: Source, first: int, last: int) -> bytes:
        handle, title = source.handle, html.escape(source.title)
        older = first > 1 and last > 0
        prev = f'<link rel="prev" href="/s/{handle}?before={first}">' if older else ""
        more = (
            '<div class="tgme_widget_message_centered js-messages_more_wrap">'
            f'<a href="/s/{handle}?before={first}" class="tme_messages_more js-messages_more" '
            f'data-before="{first}"></a></div>\n'
            if older
            else ""
        )
        head = (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title} – Telegram</title>\n"
            f'<meta property="og:title" content="{title}">\n{prev}\n'
            f'<link rel="canonical" href="/s/{handle}?before={last + 1}">\n</head>\n'
            '<body class="widget_frame_base tgme_webpreview emoji_image tme_mode">\n'
            f'<main class="tgme_main" data-url="/{handle}"><div class="tgme_container">\n'
            '<div class="tgme_channel_info"><div class="tgme_channel_info_header">'
            f'<div class="tgme_channel_info_header_title"><span dir="auto">{title}</span></div>'
            '<div class="tgme_channel_info_header_username">'
            f'<a href="https://t.me/{handle}">@{handle}</a></div></div></div>\n'
            f'<section class="tgme_channel_history js-message_history">\n{more}'
        ).encode()
        messages = [self._fragment(source, index) for index in range(first, last + 1)]
        return head + b"".join(messages) + b"</section></div></main>\n</body>\n</html>\n"

    # -- bookkeeping -------------------------------------------------------------------------

    def note_served(self, source: Source, first: int, last: int, entry: bool) -> None:
        if last >= first:
            self.served[source.number].update(range(first, last + 1))
            self.stats.posts_served += last - first + 1
        if entry:
            now = time.time()
            previous = self.last_fetch[source.number]
            if previous is not None:
                self.max_gap[source.number] = max(self.max_gap[source.number], now - previous)
                self.gap_total += now - previous
                self.gap_count += 1
            self.last_fetch[source.number] = now
            self.fetches[source.number] += 1

    def summary(self) -> dict[str, object]:
        sim = self.clock.sim()
        published = sum(self.published(source, sim) for source in self.sources)
        stopped = self.clock.stopped_at
        fetched = [at for at in self.last_fetch if at is not None]
        return {
            "sources": len(self.sources),
            "published": published,
            "served_posts": sum(len(served) for served in self.served),
            "sim_time": datetime.fromtimestamp(sim, UTC).isoformat(),
            "speed": self.clock.speed,
            "started": self.clock.started,
            "stopped_at": stopped,
            "now": time.time(),
            "requests": self.stats.requests,
            "by_kind": self.stats.by_kind,
            "by_status": self.stats.by_status,
            "bytes_sent": self.stats.bytes_sent,
            "first_request": self.stats.first_request,
            "last_request": self.stats.last_request,
            "sources_fetched": len(fetched),
            # sources whose entry page was fetched after the clock stopped: crawled after the
            # last publication
            "fetched_since_stop": (
                sum(1 for at in fetched if at > stopped) if stopped is not None else 0
            ),
            "entry_fetches": sum(self.fetches),
            # real seconds between two fetches of a source's entry page: the crawl's period
            "mean_gap": self.gap_total / self.gap_count if self.gap_count else None,
            "max_gap": max(self.max_gap, default=0.0),
        }

    def sources_toml(self, every: str = "1m") -> str:
        """The sources file for these sources, each crawled `every`."""
        from monitor.collect.sources import MIN_EVERY_SECONDS, parse_duration

        seconds = parse_duration(every)
        lines = [
            "# Made up by benchmarks/loadsim/server.py: one [[source]] a simulated outlet.",
            "[defaults]",
            'timezone = "Asia/Damascus"',
            'lang = "ar"',
            f'every = "{every}"',
        ]
        if seconds is not None and seconds < MIN_EVERY_SECONDS:
            lines.append("force_every = true  # (the sites are ours: no manners to mind)")
        lines.append("")
        for source in self.sources:
            lines += [
                "[[source]]",
                f'name = "{source.name}"',
                f'kind = "{source.kind}"',
                f'url = "http://{source.host}:{self.port}{source.entry_path}"',
                "",
            ]
        return "\n".join(lines)


def _feed_item(source: Source, post: Post) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in post.text.split("\n"))
    return (
        f"<item><title>{html.escape(post.title)}</title><link>{post.url}</link>"
        f'<guid isPermaLink="true">{post.url}</guid>'
        f"<pubDate>{formatdate(post.published, usegmt=True)}</pubDate>"
        f"<description><![CDATA[{paragraphs}]]></description></item>\n"
    )


def _channel_message(source: Source, post: Post) -> str:
    handle, title = source.handle, html.escape(source.title)
    moment = datetime.fromtimestamp(int(post.published), UTC)
    tags = " ".join(f'<a href="?q={quote("#" + tag)}">#{html.escape(tag)}</a>' for tag in post.tags)
    text = html.escape(post.text).replace("\n", "<br/>")
    views = f"{(post.index * 7919) % 9000 / 1000 + 0.3:.1f}K"
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        '<div class="tgme_widget_message text_not_supported_wrap js-widget_message" '
        f'data-post="{handle}/{post.index}"><div class="tgme_widget_message_bubble">'
        '<div class="tgme_widget_message_author accent_color">'
        f'<a class="tgme_widget_message_owner_name" href="https://t.me/{handle}">'
        f'<span dir="auto">{title}</span></a></div>'
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}<br/><br/>{tags}'
        '</div><div class="tgme_widget_message_footer compact js-message_footer">'
        '<div class="tgme_widget_message_info short js-message_info">'
        f'<span class="tgme_widget_message_views">{views}</span>'
        '<span class="copyonly"> views</span><span class="tgme_widget_message_meta">'
        f'<a class="tgme_widget_message_date" href="https://t.me/{handle}/{post.index}">'
        f'<time datetime="{moment.isoformat()}" class="time">{moment:%H:%M}</time></a>'
        "</span></div></div></div></div></div>\n"
    )


# -- HTTP ------------------------------------------------------------------------------------

_REASONS = {
    200: "OK",
    304: "Not Modified",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
}


def _response(
    status: int, body: bytes, content_type: str, keep: bool, etag: str | None = None
) -> bytes:
    head = f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
    if etag:
        head += f"ETag: {etag}\r\n"
    if status != 304:
        head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    head += "Connection: keep-alive\r\n\r\n" if keep else "Connection: close\r\n\r\n"
    return head.encode() + (body if status != 304 else b"")


class Site:
    """Answers requests for a landscape (`handle` takes a request's head, gives the bytes)."""

    def __init__(self, landscape: Landscape):
        self.landscape = landscape

    def handle(self, head: bytes) -> tuple[bytes, bool]:
        """(the response, keep the connection open)."""
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return _response(400, b"bad request\n", "text/plain", False), False
        method, target, version = parts
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        connection = headers.get("connection", "").lower()
        keep = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        if headers.get("content-length", "0") not in ("", "0"):
            return _response(400, b"no request bodies here\n", "text/plain", False), False
        if method != "GET":
            return _response(405, b"GET only\n", "text/plain", keep), keep
        path, _, query = target.partition("?")
        if path.startswith("/_"):
            return self._control(path, parse_qs(query), keep), keep
        return self._source(path, query, headers.get("if-none-match"), keep), keep

    def _source(self, path: str, query: str, if_none_match: str | None, keep: bool) -> bytes:
        landscape = self.landscape
        stats = landscape.stats
        source = None
        before = None
        if path.startswith("/s/"):
            source = landscape.by_handle.get(path[3:].rstrip("/"))
            if source is not None and source.kind != "telegram":
                source = None
            if source is not None and query:
                value = parse_qs(query).get("before", [""])[0]
                before = int(value) if value.isdigit() else None
        elif path.endswith(("/feed/", "/feed")):
            source = landscape.by_handle.get(path.strip("/").split("/")[0])
            if source is not None and source.kind != "rss":
                source = None
        if source is None:
            kind = "robots" if path == "/robots.txt" else "other"
            stats.count(kind, 404, 0)
            # (a missing robots.txt allows everything)
            return _response(404, b"not found\n", "text/plain", keep)
        kind = "feed" if source.kind == "rss" else ("older" if before else "channel")
        body, etag, first, last = landscape.page(source, before)
        entry = before is None
        if if_none_match and etag in if_none_match:
            landscape.note_served(source, 1, 0, entry)
            stats.count(kind, 304, 0)
            return _response(304, b"", "", keep, etag)
        landscape.note_served(source, first, last, entry)
        stats.count(kind, 200, len(body))
        content_type = (
            "application/rss+xml; charset=utf-8"
            if source.kind == "rss"
            else "text/html; charset=utf-8"
        )
        return _response(200, body, content_type, keep, etag)

    def _control(self, path: str, query: dict[str, list[str]], keep: bool) -> bytes:
        landscape = self.landscape
        if path == "/_stats":
            body = json.dumps(landscape.summary()).encode()
            return _response(200, body, "application/json", keep)
        if path == "/_clock":
            if query.get("stop", ["0"])[0] not in ("", "0"):
                landscape.clock.stop()
            body = json.dumps(landscape.summary()).encode()
            return _response(200, body, "application/json", keep)
        if path == "/_sources.toml":
            every = query.get("every", ["1m"])[0]
            return _response(200, landscape.sources_toml(every).encode(), "text/plain", keep)
        if path == "/_ledger":
            until = float(query["until"][0]) if "until" in query else None
            stopped = landscape.clock.stopped_at
            lines = []
            for url, source, at, served in landscape.ledger(until):
                fetched = landscape.last_fetch[source.number]
                after = stopped is not None and fetched is not None and fetched > stopped
                published = datetime.fromtimestamp(at, UTC).isoformat()
                lines.append(f"{url}\t{source.name}\t{published}\t{int(served)}\t{int(after)}\n")
            return _response(200, "".join(lines).encode(), "text/tab-separated-values", keep)
        return _response(404, b"not found\n", "text/plain", keep)


class _Connection(asyncio.Protocol):
    def __init__(self, site: Site):
        self.site = site
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._arm()

    def data_received(self, data: bytes) -> None:
        transport = self.transport
        assert transport is not None
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    transport.close()
                break
            head = bytes(self.buffer[:end])
            del self.buffer[: end + 4]
            response, keep = self.site.handle(head)
            transport.write(response)
            if not keep:
                transport.close()
                return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()

    def _arm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        assert self.transport is not None
        self.timer = asyncio.get_running_loop().call_later(IDLE_SECONDS, self.transport.close)


def bind(hosts: list[str], port: int = 0) -> tuple[int, list[socket.socket]]:
    """Listening sockets on one port for every host (the first is CONTROL_HOST)."""
    for _attempt in range(20):
        sockets: list[socket.socket] = []
        try:
            chosen = port
            for host in hosts:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets.append(sock)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((host, chosen))
                chosen = sock.getsockname()[1]
                sock.listen(256)
                sock.setblocking(False)
            return chosen, sockets
        except OSError:
            for sock in sockets:
                sock.close()
            if port:
                raise
    raise OSError("no port free on every address")


async def serve(
    landscape: Landscape,
    port: int = 0,
    ready: Callable[[int], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until `stop` is set; `ready(port)` is called once every socket listens."""
    hosts = [CONTROL_HOST, *sorted({source.host for source in landscape.sources})]
    chosen, sockets = bind(hosts, port)
    landscape.port = chosen
    site = Site(landscape)
    loop = asyncio.get_running_loop()
    servers = [await loop.create_server(lambda: _Connection(site), sock=s) for s in sockets]
    if ready is not None:
        ready(chosen)
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        for server in servers:
            server.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=5000, help="how many sources (5000)")
    parser.add_argument(
        "--speed", type=float, default=60.0, help="simulated seconds a real second (60)"
    )
    parser.add_argument("--seed", type=int, default=1, help="the landscape's seed (1)")
    parser.add_argument(
        "--history", type=float, default=2.0, help="simulated hours published before the start (2)"
    )
    parser.add_argument(
        "--telegram-share", type=float, default=0.3, help="share of Telegram channels (0.3)"
    )
    parser.add_argument(
        "--shared-telegram-host", action="store_true", help="every channel on one address"
    )
    parser.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    arguments = parser.parse_args()
    sources = make_sources(
        arguments.sources,
        arguments.seed,
        telegram_share=arguments.telegram_share,
        shared_telegram_host=arguments.shared_telegram_host,
    )
    landscape = Landscape(
        sources, Clock(arguments.speed), seed=arguments.seed, history_hours=arguments.history
    )

    def ready(port: int) -> None:
        # The clock starts when the sockets listen, not while 5,000 of them are being bound.
        landscape.clock.started = time.time()
        feeds = sum(1 for source in sources if source.kind == "rss")
        line = {
            "control": f"http://{CONTROL_HOST}:{port}",
            "port": port,
            "sources": len(sources),
            "feeds": feeds,
            "channels": len(sources) - feeds,
            "started": landscape.clock.started,
        }
        print(json.dumps(line), flush=True)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await serve(landscape, arguments.port, ready, stop)

    asyncio.run(run())
    print(json.dumps(landscape.summary()), file=sys.stderr)


if __name__ == "__main__":
    main()
