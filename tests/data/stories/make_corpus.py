#!/usr/bin/env python3
"""Write the labelled story corpora corpus.jsonl (held-out test) and dev.jsonl (development).

Plain python3, no dependencies, deterministic: running it twice writes byte-identical files.

    python3 tests/data/stories/make_corpus.py            # write both files, check them, print stats
    python3 tests/data/stories/make_corpus.py --check    # check the files on disk only
    python3 tests/data/stories/make_corpus.py --table    # every line: declaration key, story, labels, url

How it works
------------
Each post is declared once with what a reader can see in it: its source, local (Damascus) time,
story, text, and its *evidence* -- ``copy_of`` (the post it republishes), ``reply_to``,
``links``, ``embeds``, ``forwarded_from``. URLs, ids, dates in each source's own format and
arrival order are derived. The gold labels are then COMPUTED from the evidence by the rules in
README.md (``label()`` below), never typed by hand, and ``check()`` verifies every invariant the
README promises. To extend a corpus, add posts in ``corpus_posts()`` / ``dev_posts()`` and rerun.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
import urllib.parse
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DAMASCUS = dt.timezone(dt.timedelta(hours=3))
UTC = dt.UTC
TWEPOCH = 1288834974657

# The Horan Free League Telegram channel's name in the repository's sources.toml.
HORAN_TG = "horan-free-league-telegram"

# ----------------------------------------------------------------------------------------------
# Sources (the "source" field is a sources.toml name) and the accounts they publish as.
# ----------------------------------------------------------------------------------------------

ACCOUNTS = {
    "daraa24-telegram": dict(
        platform="telegram",
        channel="daraa24",
        author="درعا 24 | Daraa 24",
        handle="daraa24",
        fmt="tg",
    ),
    "daraa24-x": dict(
        platform="x", handle="Daraa24_24", author="Daraa 24 – 24 درعا", fmt="rfc_gmt"
    ),
    "daraa24-site": dict(
        platform="web", base="https://daraa24.org/archives/", author="درعا 24", fmt="rfc_local"
    ),
    HORAN_TG: dict(
        platform="telegram",
        channel="ahrarhoran",
        author="تجمع أحرار حوران",
        handle="ahrarhoran",
        fmt="tg",
    ),
    "horan-free-league": dict(
        platform="web",
        base="https://www.ahrarhoran.net/archives/",
        author="تجمع أحرار حوران",
        fmt="rfc_local",
    ),
    "suwayda24-telegram": dict(
        platform="telegram",
        channel="suwayda24",
        author="السويداء 24 | Suwayda 24",
        handle="suwayda24",
        fmt="tg",
    ),
    "suwayda24-facebook": dict(
        platform="facebook", page="suwayda24", author="السويداء 24", handle="suwayda24", fmt="fb"
    ),
    # an X account seen only through embeds in Enab Baladi articles (not a crawled source)
    "suwayda24-x": dict(
        platform="x", handle="Suwayda24", author="السويداء 24 - Suwayda 24", fmt="embed_date"
    ),
    "enab-baladi": dict(
        platform="web",
        base="https://www.enabbaladi.net/archives/",
        author="عنب بلدي",
        fmt="iso_local",
    ),
    "sohr": dict(
        platform="web",
        base="https://www.syriahr.com/",
        author="المرصد السوري لحقوق الإنسان",
        fmt="rfc_utc",
    ),
    "sohr-en": dict(
        platform="web", base="https://www.syriahr.com/en/", author="SOHR", fmt="rfc_utc"
    ),
}

# Numeric ids grow with time: (anchor local time, anchor id, ids per hour).
ID_ANCHORS = {
    "daraa24": ("2023-12-19 08:10:00", 33190, 0.42),
    "ahrarhoran": ("2023-12-19 09:30:00", 40980, 0.55),
    "suwayda24": ("2023-12-17 12:20:00", 57110, 0.37),
    "suwayda24-fb": ("2023-12-15 00:00:00", 738401265519200, 9000.0),
    "daraa24-site": ("2023-12-10 00:00:00", 51850, 0.23),
    "horan-free-league": ("2023-12-10 00:00:00", 41250, 0.18),
    "enab-baladi": ("2023-12-10 00:00:00", 676900, 3.9),
    "sohr": ("2023-12-10 00:00:00", 716400, 5.7),
    "sohr-en": ("2023-12-10 00:00:00", 320100, 1.3),
}

# Crawl cadence per source: (period minutes, offset minutes from local midnight).
CRAWL = {  # roughly the `every` of sources.toml
    "daraa24-telegram": (10, 3),
    "daraa24-x": (15, 8),
    "daraa24-site": (30, 14),
    HORAN_TG: (10, 6),
    "horan-free-league": (30, 21),
    "suwayda24-telegram": (10, 9),
    "suwayda24-facebook": (30, 26),
    "enab-baladi": (30, 11),
    "sohr": (60, 40),
    "sohr-en": (60, 50),
}
# Tie-break when two crawls land on the same minute.
SOURCE_ORDER = list(CRAWL)

MARKERS = [  # (substring, link type), checked in this order: correction > update > follow_up
    ("تصحيح", "correction"),
    ("Correction:", "correction"),
    ("عاجل | تحديث", "update"),
    ("تحديث", "update"),
    ("Update:", "update"),
    ("UPDATE", "update"),
    ("ارتفاع حصيلة", "update"),
    ("ارتفعت حصيلة", "update"),
    ("متابعة للخبر السابق", "follow_up"),
    ("متابعة |", "follow_up"),
    ("كما أوردنا", "follow_up"),
    ("خبرنا السابق", "follow_up"),
]

AR_DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
AR_MONTHS = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
]
EN_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EN_MONTHS_LONG = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
DATE_ONLY = {"ar_date_indic", "embed_date"}
MINUTE_ONLY = {"ar_long", "ar_long_comma"}


def h(s: str, mod: int) -> int:
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % mod


def local(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s).replace(tzinfo=DAMASCUS)


def fmt_published(t: dt.datetime, fmt: str) -> str:
    u, loc = t.astimezone(UTC), t.astimezone(DAMASCUS)
    if fmt == "tg":  # Telegram <time datetime>, UTC
        return u.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if fmt == "iso_z":
        return u.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if fmt == "fb":
        return u.strftime("%Y-%m-%dT%H:%M:%SZ")
    if fmt == "rfc_gmt":
        return f"{EN_DAYS[u.weekday()]}, {u.day:02d} {EN_MONTHS[u.month - 1]} {u:%Y %H:%M:%S} GMT"
    if fmt == "rfc_utc":
        return f"{EN_DAYS[u.weekday()]}, {u.day:02d} {EN_MONTHS[u.month - 1]} {u:%Y %H:%M:%S} +0000"
    if fmt == "rfc_local":
        return f"{EN_DAYS[loc.weekday()]}, {loc.day:02d} {EN_MONTHS[loc.month - 1]} {loc:%Y %H:%M:%S} +0300"
    if fmt == "iso_local":
        return loc.strftime("%Y-%m-%dT%H:%M:%S+03:00")
    if fmt == "iso_naive":  # no offset: the source's timezone (Asia/Damascus) applies
        return loc.strftime("%Y-%m-%dT%H:%M:%S")
    if fmt == "ar_long":
        return f"{AR_DAYS[loc.weekday()]} {loc.day} {AR_MONTHS[loc.month - 1]} {loc.year} - {loc:%H:%M}"
    if fmt == "ar_long_comma":
        return (
            f"{AR_DAYS[loc.weekday()]}، {loc.day} {AR_MONTHS[loc.month - 1]} {loc.year} {loc:%H:%M}"
        )
    if fmt == "ar_date_indic":
        return f"{loc.day} {AR_MONTHS[loc.month - 1]} {loc.year}".translate(INDIC)
    if fmt == "embed_date":  # what a twitter embed shows
        return f"{EN_MONTHS_LONG[u.month - 1]} {u.day}, {u.year}"
    raise ValueError(fmt)


def parse_published(s: str):
    """Independent re-parse used by check(): returns (datetime or date, precision)."""
    s2 = s.translate(WESTERN)
    m = re.fullmatch(r"\w{3}, (\d\d) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d) (GMT|[+-]\d{4})", s2)
    if m:
        d, mon, y, H, M, S, z = m.groups()
        off = 0 if z == "GMT" else (int(z[1:3]) * 60 + int(z[3:])) * (1 if z[0] == "+" else -1)
        return dt.datetime(
            int(y),
            EN_MONTHS.index(mon) + 1,
            int(d),
            int(H),
            int(M),
            int(S),
            tzinfo=dt.timezone(dt.timedelta(minutes=off)),
        ), "s"
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", s2)
    if m:
        t = dt.datetime.fromisoformat(m.group(1))
        z = m.group(3)
        tz = (
            DAMASCUS
            if z is None
            else UTC
            if z == "Z"
            else dt.timezone(
                dt.timedelta(hours=int(z[1:3]), minutes=int(z[4:])) * (1 if z[0] == "+" else -1)
            )
        )
        return t.replace(tzinfo=tz), "s"
    for mname in AR_MONTHS:
        m = re.fullmatch(
            r"(?:\S+،? )?(\d{1,2}) " + mname + r" (\d{4})(?: -)?(?: (\d\d):(\d\d))?", s2
        )
        if m:
            d, y, H, M = m.groups()
            mon = AR_MONTHS.index(mname) + 1
            if H is None:
                return dt.date(int(y), mon, int(d)), "d"
            return dt.datetime(int(y), mon, int(d), int(H), int(M), tzinfo=DAMASCUS), "m"
    m = re.fullmatch(r"(\w+) (\d{1,2}), (\d{4})", s2)
    if m and m.group(1) in EN_MONTHS_LONG:
        return dt.date(int(m.group(3)), EN_MONTHS_LONG.index(m.group(1)) + 1, int(m.group(2))), "d"
    raise ValueError(f"unparseable published: {s!r}")


def snowflake(t: dt.datetime, key: str) -> int:
    ms = int(t.timestamp() * 1000) + h(key + "ms", 1000)
    return ((ms - TWEPOCH) << 22) | h(key, 1 << 22)


def snowflake_time(i: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(((i >> 22) + TWEPOCH) / 1000, UTC)


# ----------------------------------------------------------------------------------------------
# Text variants for copies (what republishing does to a report).
# ----------------------------------------------------------------------------------------------

TATWEEL = "\u0640"
DIACRITICS = re.compile("[\u064b-\u0652]")


def V(text: str, *ops) -> str:
    for op in ops:
        if isinstance(op, tuple):
            name, *args = op
        else:
            name, args = op, []
        if name == "untatweel":
            text = text.replace(TATWEEL, "")
        elif name == "nodiac":
            text = DIACRITICS.sub("", text)
        elif name == "nohamza":
            text = re.sub("[أإآ]", "ا", text)
        elif name == "indic":
            text = text.translate(INDIC)
        elif name == "western":
            text = text.translate(WESTERN)
        elif name == "ya":  # final ى typed as ي
            text = re.sub("ى\\b", "ي", text)
        elif name == "rep":
            for a, b in zip(args[0::2], args[1::2], strict=True):
                assert a in text, (a, text)
                text = text.replace(a, b)
        elif name == "notags":
            text = re.sub(r"\s*(#\w+\s*)+$", "", text).rstrip()
        elif name == "tags":  # replace trailing hashtags with these, on their own line
            text = re.sub(r"\s*(#\w+\s*)+$", "", text).rstrip() + "\n" + args[0]
        elif name == "tags_inline":
            text = re.sub(r"\s*(#\w+\s*)+$", "", text).rstrip() + " " + args[0]
        elif name == "prefix":
            text = args[0] + text
        elif name == "unprefix":
            assert text.startswith(args[0]), (args[0], text)
            text = text[len(args[0]) :]
        elif name == "suffix":
            text = text + args[0]
        elif name == "oneline":
            text = re.sub(r"\n+", " ", text)
        elif name == "trunc":  # X cuts long text: "…" then the media link
            n, tail = args[0], args[1] if len(args) > 1 else ""
            text = text[:n].rstrip() + "…" + tail
        else:
            raise ValueError(name)
    return text


# ----------------------------------------------------------------------------------------------
# The corpus model
# ----------------------------------------------------------------------------------------------


class Corpus:
    def __init__(self, name: str):
        self.name = name
        self.posts: dict[str, dict] = {}
        self.order: list[str] = []
        self.outages: list[tuple[str, dt.datetime, dt.datetime]] = []

    def post(
        self,
        key,
        src,
        when,
        story,
        text,
        *,
        title=None,
        acct=None,
        copy_of=None,
        reply_to=None,
        links=(),
        ext_links=(),
        embeds=(),
        forwarded_from=None,
        media=None,
        fmt=None,
        pin_id=None,
        arrive=None,
        lang=None,
        author=None,
        url=None,
    ):
        assert key not in self.posts, key
        acct = acct or src
        spec = ACCOUNTS[acct]
        if fmt is None and spec["fmt"] == "rfc_gmt" and h(key, 3) == 0:
            fmt = "iso_z"  # some X items come from an API-style bridge, not Nitter's RSS
        fmt = fmt or spec["fmt"]
        t = local(when) if len(when) > 16 else local(when + ":00")
        if (
            len(when) <= 16
            and fmt not in MINUTE_ONLY
            and fmt not in DATE_ONLY
            and spec["platform"] != "web"
        ):
            t = t.replace(second=7 + h(key, 50))
        p = dict(
            key=key,
            src=src,
            acct=acct,
            t=t,
            story=story,
            text=text.strip("\n"),
            title=title,
            copy_of=copy_of,
            reply_to=reply_to,
            links=list(links),
            ext_links=list(ext_links),
            embeds=list(embeds),
            forwarded_from=forwarded_from,
            media=media,
            fmt=fmt,
            pin_id=pin_id,
            arrive=local(arrive) if arrive else None,
            lang=lang,
            author=author,
            url=url,
            embedded_in=None,
            sightings=[],
        )
        self.posts[key] = p
        self.order.append(key)
        return p

    def outage(self, src, start, end):
        """The source could not be crawled between start and end (local times)."""
        self.outages.append((src, local(start), local(end)))

    # -- derived fields -------------------------------------------------------------------------

    def assign_urls(self):
        by_series = defaultdict(list)
        for p in self.posts.values():
            spec = ACCOUNTS[p["acct"]]
            plat = spec["platform"]
            if p["url"]:
                continue
            if plat == "x":
                i = p["pin_id"] or snowflake(p["t"], self.name + p["key"])
                p["x_id"] = i
                p["url"] = f"https://x.com/{spec['handle']}/status/{i}"
            else:
                series = spec.get("channel") or (
                    "suwayda24-fb" if plat == "facebook" else p["acct"]
                )
                by_series[series].append(p)
        for series, ps in by_series.items():
            a_t, a_id, rate = ID_ANCHORS[series]
            a_t = local(a_t)
            prev = None
            for p in sorted(ps, key=lambda q: q["t"]):
                i = a_id + int((p["t"] - a_t).total_seconds() / 3600 * rate) + h(p["key"], 2)
                if p["pin_id"]:
                    i = p["pin_id"]
                if prev is not None and i <= prev:
                    i = prev + 1 + h(p["key"] + "b", 2)
                    assert not p["pin_id"], ("pinned id out of order", p["key"])
                prev = i
                spec = ACCOUNTS[p["acct"]]
                if spec["platform"] == "telegram":
                    p["url"] = f"https://t.me/{spec['channel']}/{i}"
                elif spec["platform"] == "facebook":
                    p["url"] = f"https://www.facebook.com/{spec['page']}/posts/{i}"
                elif p["acct"] == "sohr":
                    slug = re.sub(r"[^\w\s-]", "", p["title"]).split()[:7]
                    slug = urllib.parse.quote("-".join(slug), safe="-").lower()
                    p["url"] = f"{spec['base']}{slug}/{i}/"
                elif p["acct"] == "sohr-en":
                    p["url"] = f"{spec['base']}{i}/"
                else:
                    p["url"] = f"{spec['base']}{i}"

    def arrival(self, src, t):
        period, offset = CRAWL[src]
        day = t.replace(hour=0, minute=0, second=0, microsecond=0)
        k = -(-((t - day).total_seconds() / 60 - offset) // period)
        c = day + dt.timedelta(minutes=offset + period * k)
        while any(s == src and a <= c < b for s, a, b in self.outages):
            c += dt.timedelta(minutes=period)
        return c

    # -- gold labels ----------------------------------------------------------------------------

    def orig(self, key):
        seen = set()
        while self.posts[key]["copy_of"]:
            assert key not in seen
            seen.add(key)
            key = self.posts[key]["copy_of"]
        return key

    @staticmethod
    def marker(p):
        hay = (p["title"] or "") + "\n" + p["text"]
        for m, typ in MARKERS:
            if m in hay:
                return m, typ
        return None, None

    def label(self):
        posts = self.posts
        for p in posts.values():
            p["dup"] = self.orig(p["key"]) if p["copy_of"] else None
            m, typ = self.marker(p)
            p["marker"] = m
            fu = None
            ev = None
            if p["reply_to"]:
                fu, ev = p["reply_to"], "reply"
            elif p["links"] or p["embeds"]:
                cands = [k for k in p["links"] + p["embeds"] if posts[k]["t"] < p["t"]]
                fu, ev = max(cands, key=lambda k: posts[k]["t"]), "link"
            elif m and not p["copy_of"]:
                story = [q for q in posts.values() if q["story"] == p["story"] and q["t"] < p["t"]]
                same = [q for q in story if q["acct"] == p["acct"]]
                pool = same or story
                assert pool, ("marker with nothing before it", p["key"])
                fu, ev = max(pool, key=lambda q: q["t"])["key"], "marker"
            elif not p["copy_of"]:
                # no evidence but the story: a publisher's later post continues its own latest
                # earlier post there (schema version 2), as an update
                same = [
                    q
                    for q in posts.values()
                    if q["story"] == p["story"] and q["acct"] == p["acct"] and q["t"] < p["t"]
                ]
                if same:
                    fu, ev = max(same, key=lambda q: q["t"])["key"], "same"
                    typ = "update"
            if fu:
                fu = self.orig(fu)
                typ = typ or ("reply" if ev == "reply" else "follow_up")
            else:
                typ = None
            p["fu"], p["ltype"], p["evidence"] = fu, typ, ev

    # -- lines ----------------------------------------------------------------------------------

    def lines(self):
        posts = self.posts
        # embedded posts: a sighting line for each embed, yielded right after the article
        for p in posts.values():
            for k in p["embeds"]:
                posts[k]["sightings"].append(p["key"])
        rows = []
        for key in self.order:
            p = posts[key]
            arr = p["arrive"] or self.arrival(p["src"], p["t"] + dt.timedelta(minutes=2))
            p["arr"] = arr
        for key in self.order:
            p = posts[key]
            if p["acct"] != p["src"] and p["sightings"]:
                continue  # embed-only post: its only line is the sighting
            rows.append(((p["arr"], SOURCE_ORDER.index(p["src"]), p["t"], 0, key), key, None))
        for key in self.order:
            p = posts[key]
            for i, art in enumerate(p["sightings"]):
                a = posts[art]
                rows.append(
                    ((a["arr"], SOURCE_ORDER.index(a["src"]), a["t"], 1 + i, key), key, art)
                )
        rows.sort(key=lambda r: r[0])
        out = []
        for sort_key, key, art in rows:
            p = posts[key]
            spec = ACCOUNTS[p["acct"]]
            src = posts[art]["src"] if art else p["src"]
            fmt = "embed_date" if art else p["fmt"]
            if art and spec["platform"] == "telegram":
                fmt = "tg"
            arr = sort_key[0]
            rec = {
                "source": src,
                "platform": spec["platform"],
                "url": p["url"],
                "text": p["text"],
                "published": fmt_published(p["t"], fmt),
                "author": p["author"] or spec["author"],
                "author_handle": spec.get("handle"),
                "reply_to_url": posts[p["reply_to"]]["url"] if p["reply_to"] else None,
                "forwarded_from_url": posts[p["forwarded_from"]]["url"]
                if p["forwarded_from"]
                else None,
                "embedded_in_url": posts[art]["url"] if art else None,
                "links": [posts[k]["url"] for k in p["links"]] + list(p["ext_links"]),
                "title": p["title"],
                "collected_at": arr.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            if p["media"]:
                rec["media"] = p["media"]
            if p["lang"]:
                rec["lang"] = p["lang"]
            rec.update(
                {
                    "gold_thread": p["story"],
                    "gold_duplicate_of": posts[p["dup"]]["url"] if p["dup"] else None,
                    "gold_follows_up": posts[p["fu"]]["url"] if p["fu"] else None,
                    "gold_link_type": p["ltype"],
                }
            )
            out.append(rec)
        return out

    def build(self):
        self.assign_urls()
        self.label()
        return self.lines()


def photos(key, n=1, kind="photo"):
    return [
        {
            "type": kind,
            "url": f"https://cdn4.telesco.pe/file/{hashlib.md5((key + str(i)).encode()).hexdigest()}.jpg",
        }
        for i in range(n)
    ]


def pic(key):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    n = int(hashlib.sha1(key.encode()).hexdigest(), 16)
    s = "".join(alphabet[(n >> (6 * i)) % 62] for i in range(10))
    return f" pic.twitter.com/{s}"


def paras(*ps):
    return "\n\n".join(p.strip() for p in ps)


# ----------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------


def check(path: str, min_posts: int, min_stories: int, strict: bool) -> dict:
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    errors = []
    by_url = defaultdict(list)
    for i, r in enumerate(rows):
        by_url[r["url"]].append(i)
    # published instants (date-only values kept as dates)
    when = {}
    for r in rows:
        v, prec = parse_published(r["published"])
        if r["url"] in when and when[r["url"]][1] == "s" and prec == "d":
            continue
        when[r["url"]] = (v, prec)
    for r in rows:
        if r["platform"] == "x":
            sid = int(r["url"].rsplit("/", 1)[1])
            v, prec = when[r["url"]]
            st = snowflake_time(sid)
            if prec == "s" and abs((st - v).total_seconds()) >= 1:
                errors.append(f"snowflake/time mismatch {r['url']} {st} {v}")
            when[r["url"]] = (st, "s")  # the id carries the exact time

    def instant(url):
        v, prec = when[url]
        return v if prec != "d" else dt.datetime(v.year, v.month, v.day, 12, tzinfo=DAMASCUS)

    multi = {u: ix for u, ix in by_url.items() if len(ix) > 1}
    for u, ix in multi.items():
        a, b = rows[ix[0]], rows[ix[1]]
        if len(ix) != 2 or not (b["embedded_in_url"] or a["embedded_in_url"]):
            errors.append(f"url repeated without being an embed sighting: {u}")
        for f in ("gold_thread", "gold_duplicate_of", "gold_follows_up", "gold_link_type"):
            if a[f] != b[f]:
                errors.append(f"sightings of {u} differ in {f}")
    first = {u: ix[0] for u, ix in by_url.items()}
    kinds = Counter()
    ooo = []
    for i, r in enumerate(rows):
        for f in ("source", "platform", "url", "text", "published", "gold_thread"):
            if not r.get(f):
                errors.append(f"line {i + 1}: missing {f}")
        if r["platform"] == "web" and not r["title"]:
            errors.append(f"line {i + 1}: web item without title")
        d, fu, lt = r["gold_duplicate_of"], r["gold_follows_up"], r["gold_link_type"]
        if (fu is None) != (lt is None):
            errors.append(f"line {i + 1}: follows_up/link_type mismatch")
        if lt is not None and lt not in ("reply", "update", "correction", "follow_up"):
            errors.append(f"line {i + 1}: bad link type {lt}")
        for what, tgt in (("duplicate_of", d), ("follows_up", fu)):
            if tgt is None:
                continue
            if tgt not in by_url or tgt == r["url"]:
                errors.append(f"line {i + 1}: {what} target not another post: {tgt}")
                continue
            t0 = rows[first[tgt]]
            if t0["gold_duplicate_of"]:
                errors.append(f"line {i + 1}: {what} target is a copy: {tgt}")
            if t0["gold_thread"] != r["gold_thread"]:
                errors.append(f"line {i + 1}: {what} target in another story")
            if not instant(tgt) < instant(r["url"]):
                errors.append(f"line {i + 1}: {what} target not earlier: {tgt}")
            if first[tgt] > i:
                ooo.append((i + 1, what, r["url"], tgt))
        if r["reply_to_url"] and fu != r["reply_to_url"]:
            errors.append(f"line {i + 1}: reply but follows_up is not the replied-to post")
        if fu and lt == "reply" and not r["reply_to_url"]:
            errors.append(f"line {i + 1}: link type reply without reply_to_url")
        # date-only published values must not decide an order within their day
        if when[r["url"]][1] == "d":
            for tgt in (d, fu):
                if (
                    tgt
                    and when[tgt][1] == "s"
                    and instant(tgt).astimezone(DAMASCUS).date() == when[r["url"]][0]
                ):
                    errors.append(f"line {i + 1}: date-only post has a same-day target")
        if lt:
            kinds[lt] += 1
    # posts whose target is a date-only post on the same day
    for i, r in enumerate(rows):
        for tgt in (r["gold_duplicate_of"], r["gold_follows_up"]):
            if (
                tgt
                and when[tgt][1] == "d"
                and instant(r["url"]).astimezone(DAMASCUS).date() == when[tgt][0]
            ):
                errors.append(f"line {i + 1}: target is a date-only post of the same day")
    n_lines = len(rows)
    distinct = len(by_url)
    stories = Counter(rows[ix[0]]["gold_thread"] for ix in by_url.values())
    copies = sum(1 for r in rows if r["gold_duplicate_of"])
    fus = sum(1 for r in rows if r["gold_follows_up"])
    english = sum(
        1 for r in rows if not re.search("[\u0600-\u06ff]", r["text"] + (r["title"] or ""))
    )
    stats = dict(
        lines=n_lines,
        distinct_posts=distinct,
        stories=len(stories),
        lone_stories=sum(1 for c in stories.values() if c == 1),
        sources=len({r["source"] for r in rows}),
        source_list=dict(sorted(Counter(r["source"] for r in rows).items())),
        platforms=dict(sorted(Counter(r["platform"] for r in rows).items())),
        copies=copies,
        copies_pct=round(100 * copies / n_lines, 1),
        follow_ups=fus,
        follow_ups_pct=round(100 * fus / n_lines, 1),
        link_types=dict(sorted(kinds.items())),
        out_of_order=len(ooo),
        out_of_order_copies=sum(1 for o in ooo if o[1] == "duplicate_of"),
        out_of_order_follow_ups=sum(1 for o in ooo if o[1] == "follows_up"),
        english_posts=english,
        first=min(instant(u) for u in by_url).astimezone(DAMASCUS).isoformat(),
        last=max(instant(u) for u in by_url).astimezone(DAMASCUS).isoformat(),
    )
    if n_lines < min_posts:
        errors.append(f"only {n_lines} posts")
    if len(stories) < min_stories:
        errors.append(f"only {len(stories)} stories")
    if strict:
        if not 12 <= stats["copies_pct"] <= 25:
            errors.append("copies outside 12-25%")
        # 15-30 % with evidence; from schema version 2 a publisher's later posts in a
        # story are updates too
        if not 15 <= stats["follow_ups_pct"] <= 50:
            errors.append("follow-ups outside 15-50%")
        for k in ("reply", "update", "follow_up"):
            if kinds[k] < 5:
                errors.append(f"fewer than 5 {k}")
        if kinds["correction"] < 3:
            errors.append("fewer than 3 corrections")
        if len(ooo) < 8:
            errors.append("fewer than 8 out-of-order arrivals")
        if english < 4:
            errors.append("fewer than 4 English posts")
        if stats["lone_stories"] < 4:
            errors.append("fewer than 4 lone stories")
    stats["out_of_order_cases"] = [f"line {a}: {w} {u} -> {t}" for a, w, u, t in ooo]
    stats["errors"] = errors
    return stats


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def table(fn, name):
    """One row a line of the file: line, declaration key, source, local time, story, labels (as keys)."""
    c = Corpus(name)
    fn(c)
    rows = c.build()
    u2k = {p["url"]: k for k, p in c.posts.items()}
    print(
        f"== {name}: line key source published(local) story | duplicate_of follows_up link_type evidence url"
    )
    for i, r in enumerate(rows, 1):
        k = u2k[r["url"]]
        p = c.posts[k]
        print(
            f"{i:3} {k:5} {r['source']:26} {p['t'].strftime('%m-%d %H:%M')} {r['gold_thread']:28} | "
            f"{u2k.get(r['gold_duplicate_of'], '-'):5} {u2k.get(r['gold_follows_up'], '-'):5} "
            f"{r['gold_link_type'] or '-':10} {('embed-sighting' if r['embedded_in_url'] else p['evidence'] or '-'):14} {r['url']}"
        )


def main(argv):
    if "--table" in argv:
        table(corpus_posts, "corpus.jsonl")
        table(dev_posts, "dev.jsonl")
        return 0
    targets = [
        ("corpus.jsonl", corpus_posts, 160, 15, True),
        ("dev.jsonl", dev_posts, 70, 8, False),
    ]
    ok = True
    for fname, fn, min_posts, min_stories, strict in targets:
        path = os.path.join(HERE, fname)
        if "--check" not in argv:
            c = Corpus(fname)
            fn(c)
            write(path, c.build())
        stats = check(path, min_posts, min_stories, strict)
        print(f"== {fname}")
        for k, v in stats.items():
            if k in ("out_of_order_cases", "errors"):
                continue
            print(f"  {k}: {v}")
        print("  out-of-order cases:")
        for s in stats["out_of_order_cases"]:
            print("    " + s)
        for e in stats["errors"]:
            print("  ERROR: " + e)
        ok = ok and not stats["errors"]
    return 0 if ok else 1


# ==============================================================================================
# DATA
# ==============================================================================================

# The seed (shared/seed/jasim-agreement.txt): the Enab Baladi article without the two tweet lines,
# and the Daraa 24 tweet it embeds (what the embed / Nitter gives: truncated with "…").
SEED_ARTICLE_BODY = (
    "بعد أيام من حصار مدينة جاسم بريف درعا الشمالي من قبل قوات النظام، كشفت مصادر محلية عن عودة الحياة إلى طبيعتها، اليوم الأربعاء، بموجب اتفاق بين قياديين محليين وأجهزة النظام الأمنية.\n"
    "ووفق المصادر، تم فتح الطرقات الرئيسية في المدينة والسماح للأهالي بالدخول والخروج، بعد انسحاب قوات الأسد من الأحياء التي انتشرت فيها خلال اليومين الماضيين.\n"
    "وتضمن الاتفاق دخول قوات الأسد إلى مزارع جاسم وإجراء عمليات تفتيش فيها، ثم الانسحاب كلياً من المدينة.\n"
    "ونشرت مراصد محلية مقاطع مصورة أثناء انسحاب قوات النظام من المدينة، بعد إجراء عمليات التفتيش، برفقة طائرات الاستطلاع.\n"
    "وسبق الانسحاب انتشار جزئي لقوات النظام في أحياء المدينة استمر لساعات قليلة.\n"
    "ما الذي حققه النظام؟\n"
    "وكانت أجهزة النظام الأمنية أخلت مواقعها العسكرية داخل مدينة جاسم، السبت الماضي، وفرضت حصاراً عليها عبر إغلاق الطرقات الرئيسية، ومنع السكان من الدخول إليها والخروج منها.\n"
    "وشمل ذلك إخلاء “مخفر” المدينة بالكامل، فيما لم تتمكن عناصر الأمن العسكري من الخروج من المركز الثقافي، لأن أبناء المدينة لم يسمحوا لهم بالمغادرة وأجبروهم على العودة إلى داخل المركز.\n"
    "وقبل الحديث عن أي اتفاق، طالب ضباط النظام وفد مدينة جاسم المفاوض بإخراج عناصر الأمن العسكري المحاصرين داخل المركز الثقافي.\n"
    "وفيما لم تعرف مطالب النظام من هذا التصعيد حتى اليوم، يتوقع الأهالي استخدام ضباطه ذرائع قديمة، مثل وجود التنظيمات “الإرهابية” في المدينة لمحاولة اجتياحها.\n"
    "لكن الاتفاق لم يتطرق إلى تسليم أي شخص من المطلوبين لأجهزة النظام، باستثناء فك الحصار عن عناصره الموجودين في المركز الثقافي.\n"
    "وتأتي تلك التطورات عقب أيام من استهداف سيارة لفرع أمن الدولة من نوع “هايلوكس” بعبوة ناسفة على طريق إنخل – جاسم، ما أدى لمقتل 4 عناصر وإصابة اثنين آخرين.\n"
    "وزادت وتيرة استهداف قوات النظام في مدينة جاسم من قبل مسلحين محليين، بعد شكاوى من الأهالي بارتكاب تلك القوات انتهاكات، تتعلق بفرض الإتاوات وتنفيذ عمليات اعتقال واغتيال بحق أبناء المدينة.\n"
    "يشار إلى أن اللواء في قوات الأسد، مفيد الحسن، لعب دوراً في المفاوضات الأخيرة التي أفضت لاتفاق مع وجهاء مدينة جاسم.\n"
    "ويشغل الحسن منصب رئيس اللجنة الأمنية في درعا، وهو مسؤول أيضاً عن كامل مناطق الجنوب السوري."
)
SEED_TWEET_TEXT = (
    "متابعة للخبر السابق:\n"
    "انسحاب الجيش من مدينة جاسم في الريف الشمالي من محافظة درعا، بعد انتشاره في بعض الطرقات لمدة قليلة كما أوردنا في خبرنا السابق، وما زالت طائرة الاستطلاع تحوم في سماء المدينة، ولا أنباء مؤكدة عن فتح الطرقات حتى كتابة هذا الخبر.#جاسم #الجيش #الفصائل_المحلية… pic.twitter.com/zhxoSINsLo"
)

D24, D24X, D24W = "daraa24-telegram", "daraa24-x", "daraa24-site"
HTG, HW = HORAN_TG, "horan-free-league"
S24, S24F = "suwayda24-telegram", "suwayda24-facebook"
ENAB, SOHR, SOHREN = "enab-baladi", "sohr", "sohr-en"


# ---------------------------------------------------------------- corpus.jsonl, December 2023


def story_tafas_pharmacist(C):
    """10-13 Dec: a pharmacist is shot dead in Tafas; funeral, strike, notables, investigation."""
    s = "tafas-pharmacist-killing"
    t1 = C.post(
        "t1",
        D24,
        "2023-12-10 19:40",
        s,
        """عـاجـل | مقتل الصيدلاني "عمر سليمان الزعبي" برصاص مسلحين مجهولين أطلقوا النار عليه أمام صيدليته في الحي الغربي من مدينة طفس بريف درعا الغربي، ولاذوا بالفرار.

#طفس #درعا""",
    )
    C.post(
        "t2",
        D24X,
        "2023-12-10 19:43",
        s,
        V(t1["text"], "untatweel", ("tags_inline", "#طفس")),
        copy_of="t1",
    )
    C.post(
        "t3",
        HTG,
        "2023-12-10 19:58",
        s,
        """ريف درعا الغربي | اغتيال الصيدلاني عمر الزعبي (45 عاماً) بطلقات نارية مباشرة في الرأس والصدر، أطلقها مجهولون يستقلّون دراجة نارية، أثناء إغلاقه صيدليته في مدينة طفس مساء اليوم الأحد.

تجمع أحرار حوران""",
    )
    C.post(
        "t10",
        SOHREN,
        "2023-12-11 09:40",
        s,
        paras(
            "Unknown gunmen shot dead a pharmacist in front of his pharmacy in the western neighbourhood of Tafas city in the western countryside of Daraa on Sunday evening, according to SOHR sources.",
            "The gunmen, who were riding a motorcycle, opened fire directly at the man, who was in his forties, as he was closing the pharmacy, and fled to an unknown destination.",
            "Tafas has witnessed a series of killings and assassinations over the past months, amid a state of security chaos in Daraa governorate, which came under the regime's control under the 2018 settlement agreement.",
            "SOHR has documented dozens of assassination attempts in Daraa since the beginning of the year, most of them carried out by unidentified gunmen.",
        ),
        title="Pharmacist shot dead by unknown gunmen in Tafas, western Daraa countryside",
        lang="en",
    )
    C.post(
        "t4",
        D24,
        "2023-12-11 13:30",
        s,
        """#طفس | شيّع المئات من أهالي المدينة ظهر اليوم الاثنين جثمان الصيدلاني عمر الزعبي إلى مثواه الأخير في مقبرة البلد، وسط هتافات تطالب بكشف القتلة ومحاسبتهم 📍""",
    )
    C.post(
        "t5",
        HTG,
        "2023-12-11 15:10",
        s,
        """صيدليات طفس تغلق أبوابها ثلاثة أيام حداداً على زميلها، وتنديداً بحالة الفلتان الأمني التي تعيشها المدينة منذ أشهر، فيما طالب صيادلة المدينة في بيان بتأمين الحماية للكوادر الطبية.""",
    )
    C.post(
        "t6",
        ENAB,
        "2023-12-11 17:20",
        s,
        paras(
            "قُتل صيدلاني في مدينة طفس بريف درعا الغربي، مساء الأحد 10 من كانون الأول، برصاص مجهولين أطلقوا النار عليه أمام صيدليته، في حادثة أعادت ملف الفلتان الأمني في المحافظة إلى الواجهة.",
            "وقال مراسل عنب بلدي في درعا، إن مسلحَين يستقلان دراجة نارية أطلقا النار بشكل مباشر على الصيدلاني عمر الزعبي، أثناء إغلاقه الصيدلية قرابة السابعة مساءً، ثم لاذا بالفرار باتجاه الطريق الزراعي غربي المدينة.",
            "وأضاف المراسل أن الزعبي لم يكن منخرطاً في أي نشاط عسكري، وكان معروفاً بتقديم الأدوية بأسعار مخفّضة للعائلات الفقيرة، ما أثار موجة غضب واسعة بين الأهالي.",
            "ولم تتبنَّ أي جهة عملية الاغتيال حتى لحظة إعداد هذا الخبر، فيما أغلقت صيدليات المدينة أبوابها حداداً.",
            'وتشهد مدينة طفس عمليات اغتيال متكررة منذ سيطرة النظام على محافظة درعا بموجب اتفاق "التسوية" في تموز 2018، وتُسجَّل معظمها ضد مجهولين.',
        ),
        title="اغتيال صيدلاني في طفس يعيد ملف الفلتان الأمني إلى الواجهة",
        links=["t1"],
    )
    C.post(
        "t7",
        D24,
        "2023-12-12 11:15",
        s,
        """بيان | وجهاء وأعيان مدينة طفس يدينون "الجريمة النكراء" التي طالت أحد أبناء المدينة مساء الأحد، ويعلنون تشكيل لجنة أهلية من ممثلي العائلات لملاحقة الفاعلين، محذّرين من أي محاولة لاستغلال الحادثة لإثارة الفتنة بين أبناء البلد.""",
    )
    C.post(
        "t8",
        D24W,
        "2023-12-12 14:00",
        s,
        paras(
            "شكّل وجهاء مدينة طفس غربي درعا لجنة أهلية تضم ممثلين عن أبرز عائلات المدينة، مهمتها جمع المعلومات حول الجهة التي تقف وراء اغتيال الصيدلاني عمر الزعبي، وتسليم المتورطين للقضاء العشائري.",
            "وقال أحد أعضاء اللجنة لمراسل درعا 24 إن اللجنة بدأت بمراجعة تسجيلات كاميرات المراقبة في الشارع الذي وقعت فيه الجريمة، والاستماع لشهادات أصحاب المحال المجاورة.",
            'وأضاف أن اللجنة "لن تتهاون" مع أي شخص يثبت تورطه، أياً كانت الجهة التي يتبع لها، مطالباً الأهالي بالتعاون وعدم الانجرار وراء الشائعات المتداولة على وسائل التواصل.',
            "وتسود حالة من الغضب الشعبي في المدينة منذ مساء الأحد، إذ نظّم العشرات وقفة أمام الصيدلية التي شهدت الحادثة، رفعوا خلالها لافتات تطالب بإنهاء الفوضى الأمنية.",
        ),
        title="طفس: لجنة أهلية تلاحق قتلة الصيدلاني وسط غضب شعبي",
    )
    C.post(
        "t9",
        D24,
        "2023-12-13 20:05",
        s,
        """متابعة | اللجنة الأهلية في طفس تعلن التعرّف على هوية شخصين متورطين في عملية الاغتيال، وتؤكد أن أحدهما يعمل لصالح جهاز أمني، دون أن تكشف عن اسميهما.

#طفس""",
    )
    C.post(
        "t9x",
        D24X,
        "2023-12-13 20:07",
        s,
        V(C.posts["t9"]["text"], "nodiac", "oneline"),
        copy_of="t9",
    )


def story_suwayda_kidnapping(C):
    """12-16 Dec: a young man from al-Mazraa kidnapped on the Damascus-Suwayda road; ransom; release."""
    s = "suwayda-mazraa-kidnapping"
    k1 = C.post(
        "k1",
        S24,
        "2023-12-12 10:20",
        s,
        """السويداء | اختطاف الشاب "رامي نايف عزام" (27 عاماً) من أهالي بلدة المزرعة، على طريق دمشق – السويداء قرب قرية الصورة الكبيرة، من قبل مسلحين مجهولين يستقلون سيارة بيضاء اللون دون لوحات، أثناء عودته من عمله في دمشق.

#السويداء #خطف""",
    )
    C.post(
        "k2",
        S24F,
        "2023-12-12 10:41",
        s,
        V(k1["text"], "indic", "notags", ("prefix", "🔴 ")),
        copy_of="k1",
    )
    C.post(
        "k3",
        S24,
        "2023-12-12 18:50",
        s,
        """صورة الشاب رامي عزام، وتناشد عائلته كل من يملك معلومات عنه التواصل معها على الرقم المرفق.""",
        reply_to="k1",
        media=photos("k3"),
    )
    k4 = C.post(
        "k4",
        S24,
        "2023-12-13 12:10",
        s,
        """تحديث | الخاطفون يتواصلون مع عائلة الشاب رامي عزام من رقم هاتف غير سوري، ويطالبون بفدية مالية قدرها 200 ألف دولار أمريكي مقابل الإفراج عنه، مهددين بتصفيته في حال عدم الدفع.""",
    )
    C.post("k5", S24F, "2023-12-13 12:34", s, V(k4["text"], "indic", "nohamza"), copy_of="k4")
    C.post(
        "k6",
        SOHR,
        "2023-12-13 16:00",
        s,
        paras(
            "أفاد نشطاء المرصد السوري لحقوق الإنسان في محافظة السويداء، بأن مسلحين مجهولين اختطفوا شاباً من أبناء بلدة المزرعة في ريف السويداء الغربي، يوم أمس، على طريق دمشق – السويداء قرب قرية الصورة الكبيرة.",
            "ووفقاً لمصادر المرصد السوري، فإن الخاطفين تواصلوا مع ذوي الشاب وطالبوهم بدفع مبلغ مالي كبير بالدولار الأمريكي مقابل إطلاق سراحه، وهددوا بقتله في حال عدم الاستجابة.",
            "ويعد طريق دمشق – السويداء من أخطر الطرق في جنوب سوريا، إذ تتكرر عليه عمليات الخطف بهدف الحصول على فدية، وسط غياب شبه تام للدوريات الأمنية على امتداده.",
            "وكان المرصد السوري قد وثّق عشرات حالات الخطف في محافظة السويداء منذ مطلع العام الجاري، انتهى بعضها بمقتل المخطوفين.",
        ),
        title="مسلحون يختطفون شاباً على طريق دمشق – السويداء ويطالبون ذويه بفدية مالية",
    )
    C.post(
        "k7",
        S24,
        "2023-12-14 09:30",
        s,
        """تصحيح: الفدية التي يطالب بها الخاطفون للإفراج عن الشاب رامي عزام هي 20 ألف دولار أمريكي، وليست 200 ألف كما نُشر أمس. نعتذر من متابعينا عن الخطأ.""",
    )
    k8 = C.post(
        "k8",
        S24,
        "2023-12-15 21:15",
        s,
        """الإفراج عن الشاب رامي عزّام ووصوله إلى منزل عائلته في بلدة المزرعة بحالة صحية جيدة، بعد نحو أربعة أيام على اختطافه، ولم تتضح بعد ملابسات إطلاق سراحه أو ما إذا كانت العائلة قد دفعت الفدية.""",
    )
    C.post(
        "k9",
        S24F,
        "2023-12-15 21:52",
        s,
        V(k8["text"], "nodiac", "nohamza", ("rep", "صحية جيدة", "صحيه جيده"), ("suffix", " ✅")),
        copy_of="k8",
    )
    C.post(
        "k10",
        ENAB,
        "2023-12-16 12:00",
        s,
        paras(
            "أُفرج عن شاب من بلدة المزرعة في ريف السويداء الغربي، بعد أيام على اختطافه من قبل مجهولين على طريق دمشق – السويداء، في حادثة تعيد الحديث عن تجارة الخطف مقابل الفدية في الجنوب السوري.",
            "وقال أحد أقارب الشاب لعنب بلدي، إن العائلة تلقت اتصالات من أرقام أجنبية طالب أصحابها بمبلغ مالي بالدولار، قبل أن تنخفض قيمته بعد تدخل وسطاء من المنطقة.",
            "ولم تعلن العائلة رسمياً دفع أي مبلغ، فيما تحدثت مصادر محلية عن تسوية مالية جرت عبر وسيط من ريف دمشق.",
            "وتعد الطرق الواصلة بين السويداء ودمشق، ولا سيما المقطع القريب من قرية الصورة الكبيرة، نقطة متكررة لعمليات الخطف، بحسب ما رصدته عنب بلدي خلال الأشهر الماضية.",
        ),
        title="طريق دمشق – السويداء.. خطف مقابل فدية يتكرر",
        fmt="ar_date_indic",
    )


def story_inkhil_jasim_bomb(C):
    """14-15 Dec: roadside bomb on the Inkhil-Jasim road kills State Security members (mentions Jasim)."""
    s = "inkhil-jasim-road-bomb"
    b1 = C.post(
        "b1",
        D24,
        "2023-12-14 21:35",
        s,
        """عـاجـل | انفجار عبوة ناسفة بسيارة عسكرية من نوع "هايلوكس" تتبع لفرع أمن الدولة، على الطريق الواصل بين مدينتي إنخل وجاسم في ريف درعا الشمالي، وأنباء عن قتلى وجرحى في صفوف العناصر.

#إنخل #جاسم""",
    )
    C.post(
        "b2",
        D24X,
        "2023-12-14 21:38",
        s,
        V(b1["text"], "untatweel", "nohamza", ("tags", "#انخل #جاسم #درعا")),
        copy_of="b1",
    )
    C.post(
        "b3",
        HTG,
        "2023-12-14 21:52",
        s,
        """ريف درعا الشمالي | استهداف دورية لأمن الدولة بعبوة ناسفة زُرعت على جانب طريق إنخل – جاسم، والمعلومات الأولية تشير إلى سقوط عدد من القتلى والجرحى، فيما أغلقت قوات النظام الطريق بشكل كامل.""",
    )
    b4 = C.post(
        "b4",
        D24,
        "2023-12-14 22:40",
        s,
        """ارتفاع حصيلة قتلى تفجير طريق إنخل – جاسم إلى ٤ عناصر من فرع أمن الدولة، إضافة لإصابة اثنين آخرين نُقلا إلى المشفى الوطني في مدينة الصنمين.

#إنخل #جاسم""",
    )
    C.post(
        "b5",
        D24X,
        "2023-12-14 22:44",
        s,
        V(b4["text"], "western", "nodiac", "oneline"),
        copy_of="b4",
    )
    C.post(
        "b6",
        HTG,
        "2023-12-15 10:15",
        s,
        """حصل تجمع أحرار حوران على أسماء عناصر أمن الدولة الذين قُتلوا بتفجير العبوة الناسفة مساء أمس كما أوردنا، وهم: المساعد أول "علي حسن" من ريف طرطوس، والرقيب "محمود ديب"، والعنصران "حيدر سلمان" و"سامر يوسف".""",
    )
    C.post(
        "b7",
        SOHREN,
        "2023-12-15 13:20",
        s,
        paras(
            "Four members of the regime's State Security branch were killed and two others were injured on Thursday evening, when an improvised explosive device (IED) went off targeting their vehicle on the road between Inkhil and Jasim in the northern countryside of Daraa.",
            "According to SOHR sources, the IED had been planted on the side of the road and was detonated as a pick-up truck carrying the personnel passed by. The injured were taken to the national hospital in Al-Sanamayn.",
            "No party has claimed responsibility for the attack so far. Regime forces closed the road and carried out searches in the surrounding farms.",
            "Attacks against regime forces and their affiliates have been on the rise in the northern countryside of Daraa in recent weeks.",
        ),
        title="Four State Security members killed in IED explosion on Inkhil-Jasim road in Daraa countryside",
        lang="en",
    )
    C.post(
        "b8",
        ENAB,
        "2023-12-15 18:00",
        s,
        paras(
            'قُتل أربعة عناصر من فرع "أمن الدولة" التابع للنظام السوري، وأُصيب اثنان آخران، بانفجار عبوة ناسفة استهدفت سيارتهم على الطريق الواصل بين مدينتي إنخل وجاسم في ريف درعا الشمالي، مساء الخميس 14 من كانون الأول.',
            'وقال مراسل عنب بلدي في ريف درعا الشمالي، إن العبوة انفجرت بسيارة "هايلوكس" كانت تقل العناصر عائدة من نقطة تتبع للفرع قرب جاسم، وأغلقت قوات النظام الطريق عقب الانفجار.',
            "وتشهد المنطقة الواقعة بين إنخل وجاسم هجمات متكررة ضد عناصر الأجهزة الأمنية، يتهم الأهالي بعضها بالتورط في عمليات اعتقال وابتزاز بحق أبناء المنطقة.",
            "ولم تتبنَّ أي جهة الهجوم، في حين نعت صفحات موالية للنظام العناصر الأربعة، ونشرت صورهم.",
        ),
        title='مقتل أربعة عناصر من "أمن الدولة" بانفجار عبوة شمالي درعا',
    )


def story_jasim_siege(C):
    """16-21 Dec: the seed story. Security forces leave Jasim, the town is besieged, the army deploys
    on the morning of 19 Dec and withdraws (the seed tweet), an agreement ends the siege (the seed
    article)."""
    s = "jasim-siege"
    j1 = C.post(
        "j1",
        D24,
        "2023-12-16 11:40",
        s,
        """عاجل | قوات النظام تسحب عناصرها من مخفر مدينة جاسم ومن عدد من النقاط الأمنية داخل المدينة في ريف درعا الشمالي، وسط حالة من الترقّب والحذر بين الأهالي.

#جاسم #درعا""",
    )
    C.post("j2", D24X, "2023-12-16 11:47", s, V(j1["text"], "nodiac", "oneline"), copy_of="j1")
    C.post(
        "j3",
        HTG,
        "2023-12-16 12:05",
        s,
        """جاسم | أجهزة النظام الأمنية تُخلي مقراتها داخل المدينة وتنقل عناصرها إلى حاجز على المدخل الشرقي، بالتزامن مع وضع سواتر ترابية على الطرقات المؤدية إليها.""",
    )
    C.post(
        "j4",
        D24,
        "2023-12-16 14:20",
        s,
        """#جاسم | إغلاق الطرقات الرئيسية المؤدية إلى المدينة من جهة إنخل ونمر والصنمين، ومنع الأهالي من الدخول والخروج، في خطوة وصفها ناشطون بأنها بداية حصار للمدينة 📍""",
    )
    C.post(
        "j5",
        ENAB,
        "2023-12-16 19:30",
        s,
        paras(
            "فرضت قوات النظام السوري حصاراً على مدينة جاسم في ريف درعا الشمالي، بعد ساعات من إخلاء أجهزتها الأمنية مواقعها داخل المدينة، صباح السبت 16 من كانون الأول.",
            "وقال مراسل عنب بلدي في ريف درعا الشمالي، إن قوات النظام أغلقت الطرقات الرئيسية التي تربط جاسم بمدن إنخل ونمر والصنمين، ومنعت السكان من الدخول إلى المدينة والخروج منها.",
            'وأضاف المراسل أن عناصر من فرع "الأمن العسكري" لم يتمكنوا من مغادرة المركز الثقافي في المدينة، حيث يتمركزون منذ أشهر.',
            'ولم يصدر عن النظام أي توضيح لأسباب التصعيد، بينما يخشى الأهالي من عملية عسكرية تستهدف المدينة بذريعة ملاحقة "خلايا إرهابية".',
            'وتأتي هذه التطورات بعد يومين من مقتل أربعة عناصر من "أمن الدولة" بانفجار عبوة ناسفة على طريق إنخل – جاسم.',
        ),
        title="قوات النظام تحاصر مدينة جاسم بعد إخلاء مواقعها فيها",
        links=["j4"],
    )
    j6 = C.post(
        "j6",
        D24,
        "2023-12-17 09:15",
        s,
        """جاسم | عناصر من الأمن العسكري ما زالوا داخل المركز الثقافي في المدينة، بعدما منعهم شبان من أبنائها من المغادرة وأعادوهم إلى داخل المبنى، فيما يستمر إغلاق الطرقات لليوم الثاني على التوالي.

#جاسم #درعا""",
    )
    C.post(
        "j7", D24X, "2023-12-17 09:19", s, V(j6["text"], ("trunc", 150, pic("j7"))), copy_of="j6"
    )
    C.post(
        "j8",
        SOHR,
        "2023-12-17 15:40",
        s,
        paras(
            "تواصل قوات النظام فرض طوق أمني على مدينة جاسم في ريف درعا الشمالي لليوم الثاني على التوالي، وسط إغلاق كامل للطرقات الرئيسية ومنع حركة المدنيين من المدينة وإليها.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن عناصر من الأمن العسكري لا يزالون داخل المركز الثقافي في المدينة، بعد أن منعهم شبان من مغادرته.",
            "وأشارت المصادر إلى أن المحال التجارية أغلقت أبوابها بشكل شبه كامل، وسط مخاوف من نفاد المواد الغذائية والمحروقات في حال استمرار الحصار.",
            "وكان المرصد السوري قد رصد أمس انسحاب عناصر الأجهزة الأمنية من مخفر المدينة ونقاط أخرى داخلها.",
        ),
        title="لليوم الثاني.. قوات النظام تفرض طوقاً على مدينة جاسم بريف درعا",
    )
    C.post(
        "j9",
        D24,
        "2023-12-18 10:30",
        s,
        """متابعة للخبر السابق | وفد من وجهاء جاسم يلتقي اللواء مفيد الحسن، رئيس اللجنة الأمنية في درعا، في مدينة إزرع لبحث فك الحصار عن المدينة، دون التوصل إلى نتائج حتى الآن.""",
    )
    C.post(
        "j10",
        HTG,
        "2023-12-18 11:05",
        s,
        """مصادر خاصة لتجمع أحرار حوران: ضباط النظام اشترطوا إخراج عناصر الأمن العسكري من المركز الثقافي في جاسم قبل الحديث عن أي اتفاق، ولوّحوا بعملية عسكرية في حال الرفض.""",
    )
    j11 = C.post(
        "j11",
        D24,
        "2023-12-19 08:10:00",
        s,
        """عـاجـل | انتشار لقوات الجيش في عدد من أحياء وطرقات مدينة جاسم في ريف درعا الشمالي، بالتزامن مع تحليق طائرة استطلاع في سماء المدينة.

#جاسم #الجيش""",
        pin_id=33190,
    )
    C.post(
        "j12",
        D24X,
        "2023-12-19 08:12:37",
        s,
        V(j11["text"], "untatweel", ("tags", "#جاسم #الجيش #درعا" + pic("j12"))),
        copy_of="j11",
    )
    C.post(
        "j13",
        D24W,
        "2023-12-19 08:25",
        s,
        V(
            j11["text"],
            ("unprefix", "عـاجـل | "),
            "notags",
            ("suffix", "\n\nالمصدر: مراسل درعا 24 في ريف درعا الشمالي"),
        ),
        title="انتشار لقوات الجيش في أحياء مدينة جاسم",
        copy_of="j11",
    )
    C.post("j14", S24, "2023-12-19 09:02", s, j11["text"], copy_of="j11", forwarded_from="j11")
    C.post(
        "j15",
        HTG,
        "2023-12-19 09:35",
        s,
        """جاسم | مجموعات من الفرقة التاسعة تنتشر على دوار البريد وفي محيط الجامع العمري وسط المدينة، مع استمرار تحليق طائرة الاستطلاع منذ ساعات الصباح الأولى.""",
    )
    C.post("j16", D24X, "2023-12-19 16:16:13", s, SEED_TWEET_TEXT, pin_id=1737099519245131836)
    C.post(
        "j17",
        D24,
        "2023-12-19 16:16:41",
        s,
        SEED_TWEET_TEXT.split(".#")[0] + ".\n\n#جاسم #الجيش #الفصائل_المحلية #درعا",
        reply_to="j11",
        copy_of="j16",
    )
    C.post(
        "j18",
        SOHREN,
        "2023-12-19 18:30",
        s,
        paras(
            "Regime forces withdrew on Tuesday afternoon from the city of Jasim in the northern countryside of Daraa, hours after deploying in several neighbourhoods and streets of the city, which has been besieged since Saturday.",
            "According to SOHR sources, a reconnaissance drone continued to hover over the city after the withdrawal, while there was no confirmation that the main roads leading to the city had been reopened.",
            "Negotiations have been under way between a delegation of Jasim's notables and the regime's security committee in Daraa, which demanded the release of Military Security personnel who have been prevented from leaving the cultural centre in the city.",
            "SOHR reported on December 16 that regime security services had evacuated their positions inside the city, including its police station, before imposing a siege on it.",
        ),
        title="Regime forces withdraw from Jasim in northern Daraa countryside after brief deployment",
        lang="en",
    )
    j19 = C.post(
        "j19",
        D24,
        "2023-12-20 10:05",
        s,
        """#جاسم | فتح الطرقات الرئيسية للمدينة والسماح للأهالي بالدخول والخروج، بعد اتفاق بين وفد الوجهاء واللجنة الأمنية ينص على تفتيش مزارع جاسم ثم انسحاب القوات منها كلياً.""",
    )
    C.post(
        "j19h",
        HTG,
        "2023-12-20 10:30",
        s,
        V(j19["text"], ("unprefix", "#جاسم | "), "nohamza", ("suffix", " (درعا 24)")),
        copy_of="j19",
    )
    C.post(
        "j20",
        D24X,
        "2023-12-20 10:09",
        s,
        V(j19["text"], "nohamza", "nodiac", ("rep", "للمدينة", "للمدينه")),
        copy_of="j19",
    )
    C.post(
        "j21",
        D24X,
        "2023-12-20 10:40",
        s,
        """Update: Roads into Jasim, northern #Daraa countryside, reopened this morning under a deal between the town's notables and the regime's security committee. Regime forces are to search the farms around the town, then pull out completely. #Jasim""",
    )
    C.post(
        "j22",
        ENAB,
        "2023-12-20 15:12:07",
        s,
        SEED_ARTICLE_BODY,
        title="اتفاق ينهي حصار مدينة جاسم بريف درعا",
        embeds=["j16"],
        author="عنب بلدي – درعا",
    )
    C.post(
        "j23",
        HW,
        "2023-12-20 18:00",
        s,
        paras(
            "انتهى حصار مدينة جاسم شمالي درعا بعد خمسة أيام، دون أن يتضح ما الذي أراده النظام من التصعيد الأخير، وسط تساؤلات الأهالي عن جدوى سحب المخفر والنقاط الأمنية ثم العودة إلى طاولة التفاوض.",
            "وقال مصدر من وفد المدينة المفاوض لتجمع أحرار حوران، إن ضباط اللجنة الأمنية ركّزوا في الاجتماعات على إخراج عناصر الأمن العسكري من المركز الثقافي، ولم يطرحوا أسماء مطلوبين بعينهم.",
            "وأضاف المصدر أن الوفد رفض أي حديث عن تهجير شبان من المدينة إلى الشمال السوري، وأن الاتفاق النهائي اقتصر على تفتيش المزارع المحيطة بحضور ممثلين عن الأهالي.",
            "ويرى ناشطون من المدينة أن النظام أراد من الحصار الضغط على المجموعات المحلية بعد تزايد الهجمات على عناصره في ريف درعا الشمالي، ولا سيما تفجير طريق إنخل – جاسم الأسبوع الماضي.",
            "وشهدت جاسم خلال السنوات الماضية حملات أمنية متكررة، أبرزها في تشرين الأول 2022، حين حوصرت المدينة لأيام قبل التوصل إلى اتفاق مماثل.",
        ),
        title="حصار جاسم: ما الذي أراده النظام من التصعيد الأخير؟",
        fmt="ar_long_comma",
    )
    C.post(
        "j24",
        D24W,
        "2023-12-21 11:00",
        s,
        paras(
            "عاد عدد من أهالي مدينة جاسم إلى مزارعهم المحيطة بالمدينة، اليوم الخميس، بعد يوم من فتح الطرقات الرئيسية بموجب الاتفاق الذي أنهى الحصار المفروض على المدينة منذ السبت الماضي.",
            "وقال مراسل درعا 24 إن حركة السيارات عادت بشكل شبه طبيعي على طريق جاسم – إنخل، فيما فتحت معظم المحال التجارية أبوابها، وعادت الأفران للعمل بطاقتها الكاملة.",
            "وأضاف المراسل أن عمليات تفتيش المزارع انتهت مساء الأربعاء دون تسجيل أي اعتقالات، وانسحبت القوات التي شاركت فيها باتجاه مدينة الصنمين.",
            "ورغم عودة الحياة إلى طبيعتها، يبدي أهالٍ تحدثوا لدرعا 24 تخوفهم من تكرار سيناريو الحصار، في ظل غياب أي ضمانات بعدم عودة التصعيد.",
        ),
        title="جاسم بعد الاتفاق.. الأهالي يعودون إلى مزارعهم وحذر من تكرار الحصار",
        links=["j19"],
        fmt="ar_long",
        arrive="2023-12-22 09:40",
    )
    C.post(
        "j25",
        D24,
        "2023-12-21 11:25",
        s,
        """تقرير | جاسم بعد أيام الحصار: كيف عادت الحياة إلى المدينة؟ وما الذي يخشاه الأهالي في الأيام المقبلة؟

للقراءة على موقع درعا 24 👇""",
        links=["j24"],
    )
    C.post(
        "j26",
        SOHR,
        "2023-12-21 13:30",
        s,
        paras(
            "عادت الحركة إلى طبيعتها في مدينة جاسم بريف درعا الشمالي، بعد انسحاب قوات النظام من محيطها وفتح الطرقات المؤدية إليها، إثر اتفاق مع وجهاء المدينة أنهى حصاراً استمر عدة أيام.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن الاتفاق نص على تفتيش المزارع المحيطة بالمدينة، وخروج عناصر الأمن العسكري من المركز الثقافي، دون تسليم أي من المطلوبين.",
            "وكان المرصد السوري قد أشار إلى انتشار قوات النظام في أحياء المدينة صباح الثلاثاء، قبل أن تنسحب منها بعد ساعات.",
        ),
        title="بعد حصار استمر أيام.. انسحاب قوات النظام من جاسم وعودة الحركة إلى طرقاتها",
        fmt="ar_date_indic",
    )


def story_karama_protests(C):
    """15-30 Dec: the daily protests in Karama Square, Suwayda (day 121 = Fri 15 Dec)."""
    s = "suwayda-karama-protests"
    p1 = C.post(
        "p1",
        S24,
        "2023-12-15 13:10",
        s,
        """ساحة الكرامة | لليوم الـ 121 على التوالي، آلاف المحتجين يتوافدون إلى ساحة الكرامة وسط مدينة السويداء من مختلف القرى والبلدات، في جمعة جديدة من الاحتجاجات السلمية المطالبة بالتغيير السياسي وتطبيق القرار 2254.

#السويداء #ساحة_الكرامة""",
    )
    C.post(
        "p2", S24F, "2023-12-15 13:31", s, V(p1["text"], "indic", ("prefix", "✊ ")), copy_of="p1"
    )
    C.post(
        "p3",
        S24,
        "2023-12-15 13:45",
        s,
        "صور من ساحة الكرامة اليوم",
        reply_to="p1",
        media=photos("p3", 4),
    )
    C.post(
        "p4",
        S24,
        "2023-12-16 12:40",
        s,
        """ساحة الكرامة | لليوم الـ 122 على التوالي، وقفة احتجاجية في الساحة رغم البرد والأمطار، رفع خلالها المحتجون لافتات تطالب بالإفراج عن المعتقلين وكشف مصير المغيّبين قسرياً.""",
    )
    C.post(
        "p5",
        SOHR,
        "2023-12-16 16:00",
        s,
        paras(
            "واصل أبناء محافظة السويداء احتجاجاتهم السلمية في ساحة الكرامة وسط المدينة، لليوم الـ122 على التوالي، رغم الأحوال الجوية الماطرة.",
            "ورصد نشطاء المرصد السوري لحقوق الإنسان رفع المحتجين لافتات تطالب بالإفراج عن المعتقلين في سجون النظام، والكشف عن مصير آلاف المفقودين، إلى جانب شعارات تطالب بالانتقال السياسي وفق القرار الأممي 2254.",
            "وتشهد محافظة السويداء منذ منتصف آب الماضي احتجاجات يومية، بدأت رفضاً لقرارات رفع أسعار المحروقات، قبل أن تتحول إلى حراك يطالب برحيل النظام.",
        ),
        title="لليوم الـ122.. أبناء السويداء يواصلون احتجاجاتهم في ساحة الكرامة",
    )
    p6 = C.post(
        "p6",
        S24,
        "2023-12-17 12:20",
        s,
        """ساحة الكرامة | لليوم الـ 123، المحتجون يرفعون لافتات تضامن مع أهالي مدينة جاسم المحاصرة في ريف درعا، ويرددون هتافات لحوران وأهلها 🤝

#السويداء #جاسم #درعا""",
    )
    C.post(
        "p7",
        S24F,
        "2023-12-17 12:38",
        s,
        V(p6["text"], "notags", "nohamza", ("rep", " 🤝", "")),
        copy_of="p6",
    )
    C.post("p8", S24, "2023-12-18 13:00", s, "صور من ساحة الكرامة اليوم 📸", media=photos("p8", 5))
    C.post(
        "p9",
        ENAB,
        "2023-12-18 20:00",
        s,
        paras(
            "تدخل الاحتجاجات في محافظة السويداء جنوبي سوريا شهرها الخامس، دون أن تتراجع أعداد المشاركين فيها بشكل كبير، رغم برد الشتاء وغياب أي استجابة من النظام لمطالب المحتجين.",
            "وقال أحد منظمي الوقفات في ساحة الكرامة لعنب بلدي، إن الحراك حافظ على طابعه السلمي منذ يومه الأول، وإن لجاناً أهلية تتولى تنظيم الوقفات وتأمين الساحة.",
            "وأضاف أن المطالب الأساسية لم تتغير، وهي تطبيق القرار الأممي 2254، والإفراج عن المعتقلين، وإنهاء القبضة الأمنية على المحافظة.",
            "وتشهد الساحة وقفة مركزية كل يوم جمعة، يتوافد إليها المحتجون من قرى الريف الشمالي والغربي والجنوبي، بينما تقتصر الوقفات اليومية على أعداد أقل.",
            "ويشارك في الحراك شيوخ عقل ورجال دين، أبرزهم الشيخ حكمت الهجري، الذي أعلن دعمه للمحتجين منذ الأسابيع الأولى.",
        ),
        title="احتجاجات السويداء في شهرها الخامس.. إصرار على السلمية ومطالب ثابتة",
    )
    C.post(
        "p10",
        S24,
        "2023-12-20 12:50",
        s,
        """ساحة الكرامة | لليوم الـ 126، مشاركة نسائية واسعة في الوقفة اليومية، وكلمات لناشطات يؤكدن استمرار الحراك السلمي حتى تحقيق مطالبه.""",
    )
    p11 = C.post(
        "p11",
        S24,
        "2023-12-22 13:30",
        s,
        """ساحة الكرامة | لليوم الـ 128 على التوالي، حشود كبيرة في الساحة في جمعة "لا للتهجير ولا للتقسيم"، بمشاركة شيوخ دين ووجهاء من قرى الريف الغربي.

#السويداء""",
    )
    C.post(
        "p12", S24F, "2023-12-22 13:52", s, V(p11["text"], "ya", "nohamza", "indic"), copy_of="p11"
    )
    C.post(
        "p13",
        S24,
        "2023-12-22 14:10",
        s,
        "🎥 مشاهد من الساحة",
        reply_to="p11",
        media=photos("p13", 1, "video"),
    )
    C.post(
        "p14",
        SOHREN,
        "2023-12-22 19:00",
        s,
        paras(
            "Thousands of people took to Al-Karamah Square in Al-Suwaidaa city on Friday, for the 128th consecutive day of the peaceful protests demanding political change.",
            "SOHR activists reported that protesters came from many villages and towns in the western and northern countryside, chanting slogans against displacement and partition, and calling for the implementation of UN resolution 2254.",
            "Religious figures and local dignitaries took part in the rally, which ended peacefully in the afternoon.",
            "The protests in Al-Suwaidaa erupted in mid-August 2023 after the regime raised fuel prices, and have since turned into a movement demanding the departure of the regime.",
        ),
        title="Al-Suwaidaa protests: Thousands rally in Al-Karamah Square for the 128th consecutive day",
        lang="en",
    )
    p15 = C.post(
        "p15",
        S24,
        "2023-12-25 13:15",
        s,
        """ساحة الكرامة | لليوم الـ 131، المحتجون يرفعون شجرة الميلاد وسط الساحة ويتبادلون التهاني بعيد الميلاد المجيد، مؤكدين وحدة السوريين بكل أطيافهم 🎄""",
    )
    C.post(
        "p16",
        S24F,
        "2023-12-25 13:40",
        s,
        V(p15["text"], ("rep", " 🎄", ""), ("suffix", "\n#السويداء #ساحة_الكرامة")),
        copy_of="p15",
    )
    C.post(
        "p15b",
        S24,
        "2023-12-27 12:45",
        s,
        """ساحة الكرامة | لليوم الـ 133، وقفة احتجاجية تحت المطر، والمحتجون يطالبون بالكشف عن مصير المعتقلين من أبناء المحافظة في سجون النظام.""",
    )
    p17 = C.post(
        "p17",
        S24,
        "2023-12-29 13:20",
        s,
        """ساحة الكرامة | لليوم الـ 135 على التوالي، وفي آخر جمعة من عام 2023، المحتجون يجددون مطالبهم بالانتقال السياسي ورحيل الأجهزة الأمنية عن المحافظة.

#السويداء #ساحة_الكرامة""",
    )
    C.post(
        "p18",
        ENAB,
        "2023-12-29 13:26",
        s,
        V(p17["text"], ("unprefix", "ساحة الكرامة | "), "oneline", ("suffix", pic("p18"))),
        acct="suwayda24-x",
        copy_of="p17",
    )
    C.post(
        "p19",
        S24,
        "2023-12-29 14:05",
        s,
        """متابعة | الهيئة السياسية للحراك السلمي تتلو بياناً في ساحة الكرامة تطالب فيه بالإفراج عن جميع المعتقلين، وتدعو إلى إضراب عام يوم الثلاثاء المقبل.""",
    )
    C.post(
        "p20",
        ENAB,
        "2023-12-30 11:00",
        s,
        paras(
            "جدد المحتجون في محافظة السويداء مطالبهم بالانتقال السياسي، خلال الوقفة المركزية في ساحة الكرامة، في آخر يوم جمعة من عام 2023، بعد أكثر من أربعة أشهر على انطلاق الحراك.",
            'ونشرت شبكة "السويداء 24" المحلية صوراً أظهرت توافد المئات إلى الساحة منذ ساعات الظهيرة، رافعين أعلام المحافظة ولافتات تطالب برحيل الأجهزة الأمنية.',
            "وتلا ممثلون عن الحراك بياناً طالبوا فيه بالإفراج عن المعتقلين، ودعوا إلى إضراب عام في المحافظة مطلع العام الجديد.",
            "ولم يصدر عن حكومة النظام أي تعليق على الاحتجاجات، التي تستمر بشكل يومي منذ آب الماضي.",
        ),
        title="في آخر جمعة من 2023.. السويداء تجدد مطالبها من ساحة الكرامة",
        embeds=["p18"],
    )


def story_nawa_raid(C):
    """18-19 Dec: a raid and arrest campaign in Nawa, at the same time as the Jasim siege."""
    s = "nawa-raid-arrests"
    C.post(
        "n1",
        HTG,
        "2023-12-18 05:30",
        s,
        """نوى | قوات النظام تبدأ حملة دهم وتفتيش في الحي الشمالي من مدينة نوى بريف درعا الغربي، بمؤازرة عربات عسكرية وعناصر من فرع الأمن العسكري، وسط انتشار أمني كثيف عند مداخل المدينة.""",
    )
    n2 = C.post(
        "n2",
        D24,
        "2023-12-18 06:10",
        s,
        """#نوى | حملة مداهمات لقوات النظام في عدد من أحياء المدينة، واعتقال عدد من الشبان بينهم طلاب جامعيون، بحجة التخلف عن الخدمة العسكرية.

#درعا""",
    )
    C.post(
        "n3",
        D24X,
        "2023-12-18 06:14",
        s,
        V(n2["text"], "oneline", ("trunc", 95, pic("n3"))),
        copy_of="n2",
    )
    C.post(
        "n4",
        HTG,
        "2023-12-18 09:40",
        s,
        """تحديث | ارتفاع عدد المعتقلين خلال حملة الدهم في مدينة نوى إلى 7 شبان، بينهم طالبان في جامعة دمشق، ونقلهم إلى فرع الأمن العسكري في مدينة درعا.""",
    )
    C.post(
        "n5",
        HTG,
        "2023-12-18 09:55",
        s,
        """أسماء المعتقلين:
- محمد خالد الجهماني
- عبد الله سامر النصيرات
- أحمد ياسر المصري
- يزن علي الحشيش
- قصي محمود الخطيب
- عمر فايز أبو السل
- حمزة نضال الجباوي""",
        reply_to="n4",
    )
    n6 = C.post(
        "n6",
        D24,
        "2023-12-18 14:00",
        s,
        """انسحاب قوات النظام من مدينة نوى بعد انتهاء حملة الدهم التي استمرت نحو ثماني ساعات، وإطلاق سراح ثلاثة من المعتقلين بعد التحقق من أوضاعهم.""",
    )
    C.post(
        "n6x",
        D24X,
        "2023-12-18 14:03",
        s,
        V(n6["text"], "nohamza", ("suffix", " #نوى #درعا")),
        copy_of="n6",
    )
    C.post(
        "n7",
        ENAB,
        "2023-12-19 11:00",
        s,
        paras(
            "شنت قوات النظام السوري حملة دهم وتفتيش في مدينة نوى بريف درعا الغربي، الاثنين 18 من كانون الأول، اعتقلت خلالها سبعة شبان، بينهم طالبان جامعيان.",
            'وقال مراسل عنب بلدي في ريف درعا الغربي، إن الحملة تركزت في الحي الشمالي من المدينة، وشارك فيها عناصر من فرع "الأمن العسكري" بمؤازرة عربات عسكرية.',
            "وأُفرج عن ثلاثة من المعتقلين في اليوم ذاته، بينما نُقل الأربعة الآخرون إلى فرع الأمن العسكري في مدينة درعا، بحسب المراسل.",
            "وتتزامن الحملة مع حصار تفرضه قوات النظام على مدينة جاسم في ريف درعا الشمالي منذ السبت الماضي.",
            "وتكررت حملات الاعتقال في ريف درعا الغربي خلال الأشهر الماضية، وغالباً ما تطال شباناً متخلفين عن الخدمة الإلزامية والاحتياطية.",
        ),
        title="حملة اعتقالات في نوى تطال طلاباً جامعيين",
        links=["n2", "n4"],
    )
    C.post(
        "n8",
        SOHR,
        "2023-12-19 13:00",
        s,
        paras(
            "اعتقلت قوات النظام 7 شبان من أبناء مدينة نوى في ريف درعا الغربي، خلال حملة دهم وتفتيش نفذتها في أحياء المدينة يوم أمس.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن قوات النظام أطلقت سراح 3 منهم بعد ساعات، فيما اقتادت البقية إلى جهة مجهولة.",
            "ويأتي ذلك في ظل تصعيد أمني تشهده محافظة درعا، حيث تفرض قوات النظام طوقاً على مدينة جاسم في الريف الشمالي.",
        ),
        title="قوات النظام تعتقل 7 شبان خلال حملة مداهمات في مدينة نوى",
    )


def story_busra_detainee(C):
    """20-24 Dec: a young man from Busra al-Harir detained at a checkpoint; road blocked; released."""
    s = "busra-harir-detainee"
    d1 = C.post(
        "d1",
        D24,
        "2023-12-20 17:20",
        s,
        """#بصر_الحرير | عناصر حاجز للأمن العسكري عند المدخل الغربي للبلدة يعتقلون الشاب "خالد الحريري" (24 عاماً) أثناء عودته من عمله في مدينة درعا، دون معرفة أسباب الاعتقال.""",
    )
    C.post(
        "d2",
        D24X,
        "2023-12-20 17:23",
        s,
        V(d1["text"], "nodiac", ("suffix", " #درعا")),
        copy_of="d1",
    )
    C.post(
        "d3",
        HTG,
        "2023-12-20 19:00",
        s,
        """ريف درعا الشرقي | أهالي بلدة بصر الحرير يقطعون الطريق الرئيسي بالإطارات المشتعلة احتجاجاً على اعتقال أحد أبناء البلدة على حاجز عسكري، ويطالبون بالإفراج الفوري عنه.""",
    )
    C.post(
        "d4",
        HTG,
        "2023-12-20 19:12",
        s,
        "من قطع الطريق قبل قليل 📹",
        reply_to="d3",
        media=photos("d4", 1, "video"),
    )
    C.post(
        "d5",
        D24,
        "2023-12-21 10:00",
        s,
        """وفد من وجهاء بصر الحرير يلتقي رئيس فرع الأمن العسكري في درعا للمطالبة بإطلاق سراح ابن البلدة، وسط وعود بالإفراج عنه خلال أيام.""",
    )
    d6 = C.post(
        "d6",
        D24,
        "2023-12-23 18:30",
        s,
        """متابعة للخبر السابق | الإفراج عن الشاب خالد الحريري بعد ثلاثة أيام من اعتقاله على حاجز الأمن العسكري، ووصوله إلى منزل عائلته في بصر الحرير.

#بصر_الحرير""",
    )
    C.post("d7", D24X, "2023-12-23 18:34", s, V(d6["text"], "nohamza", "notags"), copy_of="d6")
    C.post(
        "d8",
        HW,
        "2023-12-24 10:00",
        s,
        paras(
            "تتكرر حالات الاعتقال على حواجز الأمن العسكري في ريف درعا الشرقي، وسط شكاوى من الأهالي من احتجاز أبنائهم لأيام دون توجيه تهم واضحة، ثم الإفراج عنهم بعد تدخل وجهاء أو دفع مبالغ مالية.",
            "وكانت آخر هذه الحالات اعتقال شاب من بلدة بصر الحرير على حاجز عند المدخل الغربي للبلدة، مساء الأربعاء الماضي، ما دفع الأهالي إلى قطع الطريق الرئيسي احتجاجاً.",
            'وقال أحد وجهاء البلدة لتجمع أحرار حوران، إن الشاب أُفرج عنه بعد ثلاثة أيام، إثر اجتماع مع رئيس الفرع في مدينة درعا، مضيفاً أن "الوعود بوقف هذه الممارسات لا تُنفّذ".',
            "ويتهم الأهالي عناصر الحواجز بابتزاز المارة وفرض إتاوات على سيارات نقل البضائع، في ظل غياب أي محاسبة.",
        ),
        title="حواجز الأمن العسكري في ريف درعا الشرقي.. اعتقالات متكررة ووعود لا تُنفّذ",
    )


def story_daraa_balad_wave(C):
    """22-28 Dec: a wave of assassinations in Daraa al-Balad (same days as al-Sanamayn's)."""
    s = "daraa-balad-assassinations"
    a1 = C.post(
        "a1",
        D24,
        "2023-12-22 20:15",
        s,
        """#درعا_البلد | مقتل الشاب "أنس محمد المسالمة" برصاص مسلحين مجهولين في حي طريق السد بمدينة درعا، أثناء وجوده أمام محل تجاري يملكه.""",
    )
    C.post("a2", D24X, "2023-12-22 20:18", s, V(a1["text"], ("prefix", "عاجل | ")), copy_of="a1")
    C.post(
        "a3",
        HTG,
        "2023-12-22 20:40",
        s,
        """درعا البلد | اغتيال شاب من عائلة المسالمة بطلقات نارية مباشرة أطلقها مجهولون في حي طريق السد، والشاب من المنتسبين سابقاً لفصائل "التسوية".""",
    )
    C.post(
        "a4",
        D24,
        "2023-12-24 07:50",
        s,
        """#درعا_البلد | انفجار عبوة ناسفة مزروعة بدراجة نارية في حي المنشية فجر اليوم الأحد، ما أدى لمقتل الشاب "يوسف الأبازيد" وإصابة آخر بجروح.""",
    )
    C.post(
        "a5",
        HTG,
        "2023-12-24 08:05",
        s,
        """درعا البلد | مقتل شابين بانفجار عبوة ناسفة زرعها مجهولون في دراجة نارية بحي المنشية، في ثاني عملية اغتيال تشهدها المنطقة خلال أقل من 48 ساعة.""",
    )
    C.post(
        "a6",
        HTG,
        "2023-12-24 09:20",
        s,
        """تصحيح | انفجار العبوة الناسفة في حي المنشية أدى لمقتل شاب واحد وإصابة آخر بجروح خطيرة، وليس مقتل شابين كما ذكرنا. نعتذر من متابعينا.""",
    )
    C.post(
        "a7",
        SOHR,
        "2023-12-25 11:00",
        s,
        paras(
            "تشهد منطقة درعا البلد في مدينة درعا تصاعداً في عمليات الاغتيال، إذ قُتل شابان خلال أقل من 48 ساعة، في حادثتين منفصلتين نفذهما مجهولون.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، قُتل الأول برصاص مسلحين في حي طريق السد مساء الجمعة، بينما قُتل الثاني بانفجار عبوة ناسفة زُرعت في دراجة نارية في حي المنشية فجر الأحد.",
            "وتعيش محافظة درعا حالة من الفلتان الأمني منذ سيطرة قوات النظام عليها عام 2018، وسط تكرار عمليات الاغتيال التي تطال مدنيين وعسكريين وعناصر سابقين في فصائل المعارضة.",
            "وبحسب إحصائيات المرصد السوري، فقد بلغ عدد عمليات الاغتيال في محافظة درعا منذ مطلع العام الجاري أكثر من 500 عملية ومحاولة اغتيال.",
        ),
        title="تصاعد عمليات الاغتيال في درعا البلد.. قتيلان خلال 48 ساعة",
    )
    C.post(
        "a8",
        D24,
        "2023-12-26 21:10",
        s,
        """#درعا_البلد | مقتل رجل خمسيني برصاص مجهولين قرب الجامع العمري، وهو ثالث عملية اغتيال في المنطقة خلال خمسة أيام.""",
    )
    C.post(
        "a9",
        D24W,
        "2023-12-27 12:00",
        s,
        paras(
            "شهدت منطقة درعا البلد خلال خمسة أيام ثلاث عمليات اغتيال، آخرها مساء الثلاثاء قرب الجامع العمري، ما أعاد المخاوف من عودة الفوضى الأمنية التي شهدتها المنطقة صيف العام الماضي.",
            "وتنوعت أساليب الاغتيال بين إطلاق النار المباشر من قبل مسلحين يستقلون دراجات نارية، وزرع العبوات الناسفة، فيما لم تتبنَّ أي جهة أياً من العمليات الثلاث.",
            "وقال مصدر محلي لدرعا 24 إن الضحايا لا يجمعهم انتماء واحد، فأحدهم كان منتسباً سابقاً لفصائل التسوية، والآخر تاجر، بينما الثالث موظف متقاعد.",
            "ويطالب وجهاء المنطقة اللجنة المركزية في درعا البلد بالتحرك لكشف الفاعلين، وسط اتهامات لخلايا مرتبطة بالأجهزة الأمنية بالوقوف وراء جزء من هذه العمليات.",
        ),
        title="ثلاث عمليات اغتيال في خمسة أيام.. درعا البلد في دائرة الفلتان الأمني",
        links=["a1", "a4", "a8"],
    )
    C.post(
        "a10",
        SOHREN,
        "2023-12-27 16:00",
        s,
        paras(
            "Three people have been assassinated in Daraa Al-Balad in the city of Daraa within five days, in separate incidents carried out by unknown assailants.",
            "On Tuesday evening, gunmen shot dead a man in his fifties near Al-Omari Mosque. On Sunday, an IED planted in a motorcycle killed a former commander of an opposition faction in Al-Manshiyah neighbourhood, and on Friday a young man was shot dead in Tariq Al-Sad neighbourhood.",
            "SOHR has documented more than 500 assassinations and assassination attempts in Daraa governorate since the beginning of 2023.",
        ),
        title="Three people assassinated in Daraa Al-Balad within five days",
        lang="en",
    )
    C.post(
        "a11",
        SOHREN,
        "2023-12-28 10:00",
        s,
        paras(
            "Correction: The man killed by the IED explosion in Al-Manshiyah neighbourhood in Daraa Al-Balad on December 24 was a young civilian in his twenties, not a former opposition commander as SOHR reported yesterday.",
            "SOHR apologises for the error.",
        ),
        title="Correction: Victim of Al-Manshiyah IED explosion in Daraa Al-Balad",
        lang="en",
    )


def story_sanamayn_wave(C):
    """22-27 Dec: a wave of assassinations in al-Sanamayn, ending in clashes."""
    s = "sanamayn-assassinations"
    s1 = C.post(
        "s1",
        D24,
        "2023-12-22 19:30",
        s,
        """#الصنمين | مقتل الشاب "أحمد فواز اللباد" برصاص مسلحين مجهولين قرب مدرسة الشهداء في الحي الغربي من مدينة الصنمين بريف درعا الشمالي.""",
    )
    C.post(
        "s2",
        D24X,
        "2023-12-22 19:33",
        s,
        V(s1["text"], ("unprefix", "#"), ("suffix", "\n#درعا #الصنمين")),
        copy_of="s1",
    )
    C.post(
        "s3",
        HTG,
        "2023-12-22 19:45",
        s,
        """ريف درعا الشمالي | اغتيال شاب في مدينة الصنمين بإطلاق نار مباشر من قبل مجهولين، والشاب يعمل في محل لبيع الهواتف المحمولة.""",
    )
    C.post(
        "s4",
        D24,
        "2023-12-23 13:00",
        s,
        """#الصنمين | مقتل عنصر سابق في فصائل المعارضة، انضم بعد التسوية إلى مجموعة محلية تتبع للأمن العسكري، برصاص مجهولين في الحي الشرقي من المدينة.""",
    )
    C.post(
        "s5",
        HTG,
        "2023-12-25 22:10",
        s,
        """الصنمين | إصابة الشاب "عمار الحمد" بجروح خطيرة إثر محاولة اغتيال بالرصاص في الحي الغربي من المدينة، ونقله إلى مشفى الصنمين الوطني.""",
    )
    C.post(
        "s6",
        HTG,
        "2023-12-25 23:40",
        s,
        """تحديث | وفاة الشاب عمار الحمد متأثراً بجروحه التي أصيب بها بمحاولة الاغتيال في مدينة الصنمين قبل ساعات.""",
    )
    C.post(
        "s7",
        ENAB,
        "2023-12-26 14:20",
        s,
        paras(
            "قُتل ثلاثة أشخاص في مدينة الصنمين بريف درعا الشمالي خلال أربعة أيام، في عمليات اغتيال نفذها مجهولون، وسط توتر تشهده المدينة منذ أسابيع.",
            'وقال مراسل عنب بلدي، إن اثنين من القتلى مدنيان، أحدهما يعمل في محل لبيع الهواتف، بينما الثالث عنصر سابق في فصائل المعارضة انضم إلى مجموعة محلية تتبع لـ"الأمن العسكري".',
            "وتتقاسم السيطرة على أحياء الصنمين مجموعات محلية متنافسة، بعضها مرتبط بالأجهزة الأمنية، ما يجعل المدينة ساحة لتصفية الحسابات، بحسب المراسل.",
            "ولم تعلن أي جهة مسؤوليتها عن العمليات، فيما تتهم عائلات الضحايا مجموعات محلية بالوقوف وراءها.",
        ),
        title="الصنمين.. ثلاث عمليات اغتيال خلال أربعة أيام",
        fmt="ar_long",
    )
    C.post(
        "s7b",
        SOHR,
        "2023-12-26 19:00",
        s,
        paras(
            "قُتل شاب متأثراً بإصابته بطلق ناري في مدينة الصنمين بريف درعا الشمالي، بعد استهدافه من قبل مسلحين مجهولين في الحي الغربي من المدينة ليل أمس.",
            "ووفقاً لإحصائيات المرصد السوري لحقوق الإنسان، فإن هذه العملية هي الثالثة في المدينة خلال أقل من أسبوع، في ظل توتر متصاعد بين مجموعات محلية متنافسة.",
            "وكان المرصد السوري قد رصد مقتل عنصر سابق في فصائل المعارضة برصاص مجهولين في الحي الشرقي من الصنمين يوم السبت الفائت.",
        ),
        title="ثالث عملية خلال أسبوع.. مقتل شاب برصاص مجهولين في الصنمين بريف درعا",
    )
    s8 = C.post(
        "s8",
        D24,
        "2023-12-27 18:00",
        s,
        """عـاجـل | اشتباكات بالأسلحة الخفيفة والمتوسطة بين مجموعة محلية ومجموعة تتبع للأمن العسكري في الحي الشرقي من مدينة الصنمين، على خلفية عمليات الاغتيال الأخيرة.""",
    )
    C.post(
        "s9",
        D24X,
        "2023-12-27 18:05",
        s,
        V(s8["text"], "untatweel", ("suffix", " #الصنمين")),
        copy_of="s8",
    )
    C.post(
        "s10",
        D24,
        "2023-12-27 18:25",
        s,
        "فيديو يُظهر أصوات الاشتباكات في الحي الشرقي 🎥",
        reply_to="s8",
        media=photos("s10", 1, "video"),
    )


def story_mzeireeb_blast(C):
    """23-24 Dec: an ammunition store explodes in a house in al-Muzayrib; the toll rises; a correction."""
    s = "muzayrib-depot-explosion"
    m1 = C.post(
        "m1",
        D24,
        "2023-12-23 16:05",
        s,
        """عـاجـل | انفجار عنيف يهزّ بلدة المزيريب في ريف درعا الغربي، ناجم عن انفجار ذخائر داخل منزل يُعتقد أنه يُستخدم كمستودع، وأنباء عن وقوع قتلى وجرحى.

#المزيريب""",
    )
    C.post("m2", D24X, "2023-12-23 16:08", s, V(m1["text"], "untatweel", "nodiac"), copy_of="m1")
    C.post(
        "m3",
        HTG,
        "2023-12-23 16:20",
        s,
        """المزيريب | مقتل شخصين وإصابة آخرين بانفجار مستودع ذخيرة داخل منزل سكني في الحي الجنوبي من البلدة، والمنزل يعود لقيادي في إحدى المجموعات المحلية.""",
    )
    C.post(
        "m3r",
        HTG,
        "2023-12-23 16:35",
        s,
        "صور من موقع الانفجار في المزيريب",
        reply_to="m3",
        media=photos("m3r", 2),
    )
    m4 = C.post(
        "m4",
        D24,
        "2023-12-23 17:30",
        s,
        """ارتفاع حصيلة ضحايا انفجار المزيريب إلى ٣ قتلى بينهم طفل، و١٧ جريحاً، نُقل معظمهم إلى مشافي مدينتي طفس ودرعا.

#المزيريب""",
    )
    C.post("m5", D24X, "2023-12-23 17:34", s, V(m4["text"], "western"), copy_of="m4")
    C.post(
        "m6",
        D24,
        "2023-12-23 19:10",
        s,
        """تصحيح: عدد الجرحى في انفجار المزيريب ٧ وليس ١٧، نعتذر عن الخطأ.""",
    )
    C.post(
        "m7",
        HTG,
        "2023-12-23 20:00",
        s,
        """المزيريب | ارتفعت حصيلة ضحايا انفجار المستودع إلى 4 قتلى، بعد وفاة امرأة متأثرة بجروحها في مشفى طفس الوطني.""",
    )
    C.post(
        "m8",
        D24,
        "2023-12-24 08:20",
        s,
        """ارتفاع حصيلة قتلى انفجار المزيريب إلى ٥، بعد وفاة شاب متأثراً بإصابته صباح اليوم الأحد، بينما لا يزال جريحان في حالة حرجة.""",
    )
    C.post(
        "m9",
        SOHR,
        "2023-12-24 10:00",
        s,
        paras(
            "ارتفعت حصيلة ضحايا انفجار مستودع الذخيرة في بلدة المزيريب بريف درعا الغربي إلى 5 قتلى، بينهم طفل وامرأة، بعد وفاة شاب متأثراً بجراحه صباح اليوم.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن الانفجار وقع عصر أمس داخل منزل يعود لقيادي في مجموعة محلية، كان يستخدمه لتخزين الذخائر والأسلحة، وامتدت أضراره إلى المنازل المجاورة.",
            "ولا تزال أسباب الانفجار مجهولة حتى الآن، في حين تحدثت مصادر أهلية عن خطأ أثناء نقل صناديق ذخيرة.",
            "ويحذر الأهالي منذ سنوات من تخزين الأسلحة والذخائر داخل الأحياء السكنية في ريف درعا الغربي.",
        ),
        title="انفجار مستودع ذخيرة في المزيريب.. 5 قتلى بينهم طفل وامرأة",
    )
    C.post(
        "m10",
        ENAB,
        "2023-12-24 15:00",
        s,
        paras(
            "قُتل خمسة أشخاص بينهم طفل وامرأة، وأُصيب سبعة آخرون، بانفجار مستودع ذخيرة داخل منزل في بلدة المزيريب بريف درعا الغربي، مساء السبت 23 من كانون الأول.",
            "وقال مراسل عنب بلدي في ريف درعا الغربي، إن المنزل يعود لقيادي سابق في فصائل المعارضة، يقود حالياً مجموعة محلية، وكان يستخدم الطابق الأرضي لتخزين ذخائر متنوعة.",
            "وبلغ عدد القتلى خمسة أشخاص بعد وفاة شاب صباح الأحد، بينما لا يزال اثنان من الجرحى في حالة حرجة في مشفى طفس الوطني.",
            "ويعيد الانفجار السؤال عن السلاح المنتشر بين المنازل في ريف درعا، حيث بقيت كميات كبيرة من الأسلحة بيد المجموعات المحلية بعد اتفاق التسوية عام 2018.",
        ),
        title="مستودع ذخيرة بين المنازل.. انفجار المزيريب يعيد السؤال عن السلاح المنفلت",
    )
    C.post(
        "m11",
        SOHREN,
        "2023-12-24 18:00",
        s,
        paras(
            "Five people, including a child and a woman, were killed and seven others were injured in the explosion of an ammunition depot inside a house in Al-Muzayrib town in the western countryside of Daraa on Saturday.",
            "According to SOHR sources, the house belongs to a commander of a local group, who used it to store ammunition and weapons. A young man succumbed to his injuries on Sunday morning.",
            "The cause of the explosion remains unknown.",
        ),
        title="Five people killed including a child and a woman in explosion of ammunition depot in Al-Muzayrib",
        lang="en",
    )


def story_quneitra_shelling(C):
    """26-27 Dec: Israeli artillery shells fall near Jubata al-Khashab, Quneitra."""
    s = "quneitra-jubata-shelling"
    q1 = C.post(
        "q1",
        D24,
        "2023-12-26 10:40",
        s,
        """#القنيطرة | سقوط عدة قذائف مدفعية مصدرها الجيش الإسرائيلي على أطراف بلدة جباتا الخشب في ريف القنيطرة الشمالي، دون ورود معلومات عن إصابات حتى الآن.""",
    )
    C.post("q2", D24X, "2023-12-26 10:44", s, V(q1["text"], "nohamza"), copy_of="q1")
    C.post(
        "q3",
        SOHR,
        "2023-12-26 13:00",
        s,
        paras(
            "استهدفت القوات الإسرائيلية بعدة قذائف مدفعية أطراف بلدة جباتا الخشب في ريف القنيطرة الشمالي، صباح اليوم، دون ورود معلومات عن خسائر بشرية.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن القذائف سقطت في أراضٍ زراعية قريبة من خط وقف إطلاق النار، وتسببت بأضرار مادية في منزل واحد على الأقل.",
            "ويأتي ذلك في ظل توتر متصاعد على طول خط الفصل في الجولان السوري المحتل منذ تشرين الأول الماضي.",
        ),
        title="القوات الإسرائيلية تستهدف بالمدفعية أطراف جباتا الخشب في ريف القنيطرة",
    )
    C.post(
        "q4",
        D24,
        "2023-12-26 15:20",
        s,
        "صورة تُظهر الأضرار في أحد المنازل",
        reply_to="q1",
        media=photos("q4"),
    )
    C.post(
        "q5",
        SOHREN,
        "2023-12-26 17:00",
        s,
        paras(
            "Israeli forces shelled the outskirts of Jubata Al-Khashab town in the northern countryside of Quneitra with several artillery shells on Tuesday morning, with no reports of casualties.",
            "SOHR sources said the shells landed on farmland near the ceasefire line and damaged at least one house.",
            "Tension has been rising along the separation line in the occupied Syrian Golan since October.",
        ),
        title="Israeli artillery shells land near Jubata Al-Khashab in Quneitra countryside",
        lang="en",
    )
    C.post(
        "q6",
        D24X,
        "2023-12-27 09:00",
        s,
        """UPDATE: Israeli army bulldozers seen working near the ceasefire line west of Jubata al-Khashab, #Quneitra countryside, a day after artillery shells hit the outskirts of the town.""",
    )
    C.post(
        "q7",
        ENAB,
        "2023-12-27 16:00",
        s,
        paras(
            "سقطت قذائف مدفعية إسرائيلية على أطراف بلدة جباتا الخشب في ريف القنيطرة الشمالي، الثلاثاء 26 من كانون الأول، قبل أن تبدأ جرافات عسكرية إسرائيلية أعمال تجريف قرب خط وقف إطلاق النار صباح الأربعاء.",
            "وقال أحد سكان البلدة لعنب بلدي، إن القذائف سقطت في أراضٍ زراعية وأصابت إحداها منزلاً غير مأهول، دون تسجيل إصابات.",
            "وأضاف أن أعمال التجريف تركزت في منطقة قريبة من الشريط الشائك، وسط تحليق لطائرات استطلاع.",
            "وتشهد مناطق ريف القنيطرة المحاذية للجولان المحتل حالة من الترقب منذ تشرين الأول الماضي.",
        ),
        title="قذائف إسرائيلية على ريف القنيطرة وتجريف قرب خط وقف إطلاق النار",
        fmt="ar_date_indic",
    )


def story_zakiyah_arrests(C):
    """28-29 Dec: an arrest campaign in Zakiyah, western rural Damascus."""
    s = "zakiyah-arrests"
    C.post(
        "z1",
        SOHR,
        "2023-12-28 11:00",
        s,
        paras(
            "شنت قوات النظام حملة دهم واعتقالات في بلدة زاكية بريف دمشق الغربي، منذ ساعات الصباح الأولى، طالت 11 شاباً على الأقل.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن الحملة نفذتها عناصر من الفرقة الرابعة والأمن العسكري، بحثاً عن مطلوبين للخدمة الإلزامية والاحتياطية.",
            "وأشارت المصادر إلى انتشار الحواجز عند مداخل البلدة ومنع الدخول إليها والخروج منها حتى انتهاء الحملة.",
        ),
        title="قوات النظام تشن حملة دهم في بلدة زاكية بريف دمشق وتعتقل 11 شاباً",
    )
    C.post(
        "z2",
        ENAB,
        "2023-12-28 16:00",
        s,
        paras(
            "اعتقلت قوات النظام السوري عدداً من الشبان في بلدة زاكية بريف دمشق الغربي، الخميس 28 من كانون الأول، بهدف سوقهم إلى الخدمة العسكرية.",
            "وقالت مصادر محلية لعنب بلدي، إن دوريات مشتركة داهمت منازل في الحي الغربي من البلدة، وفتشت المحال التجارية، قبل أن تقتاد المعتقلين إلى مقر الفرقة الرابعة في منطقة الكسوة.",
            "وأضافت المصادر أن بعض المعتقلين يحملون بطاقات تأجيل دراسي، ومع ذلك جرى اقتيادهم.",
            'وتخضع زاكية لاتفاق "تسوية" منذ عام 2016، وتشهد بين الحين والآخر حملات مشابهة.',
        ),
        title="حملة اعتقالات في زاكية بريف دمشق الغربي لسوق الشبان إلى الخدمة العسكرية",
    )
    C.post(
        "z3",
        SOHR,
        "2023-12-29 10:30",
        s,
        paras(
            "أفرجت قوات النظام عن 4 من شبان بلدة زاكية في ريف دمشق الغربي، بعد ساعات من اعتقالهم خلال حملة الدهم التي نفذتها في البلدة، كما أوردنا أمس.",
            "ووفقاً لمصادر المرصد السوري، فإن الشبان الأربعة يحملون وثائق تأجيل دراسي، فيما جرى سوق البقية إلى الخدمة العسكرية.",
            "وتتكرر حملات الاعتقال في قرى وبلدات ريف دمشق الغربي، رغم اتفاقات التسوية التي أبرمت فيها.",
        ),
        title="الإفراج عن 4 من شبان زاكية بعد ساعات من اعتقالهم",
    )
    C.post(
        "z4",
        SOHREN,
        "2023-12-29 13:00",
        s,
        paras(
            "Regime forces arrested at least 11 young men in Zakiyah town in the western countryside of Damascus on Thursday, in a raid targeting men wanted for compulsory and reserve military service.",
            "Four of them were released hours later after proving they hold study deferment documents, according to SOHR sources.",
        ),
        title="Regime forces arrest 11 young men in Zakiyah town in Rural Damascus",
        lang="en",
    )


def story_highway_accident(C):
    """28-29 Dec: a bus bound for Suwayda crashes on the Damascus-Daraa highway near Ghabagheb."""
    s = "ghabagheb-highway-accident"
    h1 = C.post(
        "h1",
        D24,
        "2023-12-28 15:40",
        s,
        """عـاجـل | حادث سير مروّع على أوتوستراد دمشق – درعا قرب بلدة غباغب، بين حافلة لنقل الركاب وشاحنة، ما أدى لوفاة ٣ أشخاص وإصابة آخرين.

#درعا""",
    )
    C.post(
        "h2",
        D24X,
        "2023-12-28 15:43",
        s,
        V(h1["text"], "untatweel", "nodiac", "western"),
        copy_of="h1",
    )
    C.post(
        "h3",
        HTG,
        "2023-12-28 16:00",
        s,
        """أوتوستراد دمشق – درعا | وفاة ثلاثة أشخاص وإصابة أكثر من 12 آخرين بانقلاب حافلة "بولمان" بعد اصطدامها بشاحنة قرب غباغب.""",
    )
    C.post(
        "h4", HTG, "2023-12-28 16:15", s, "صور من موقع الحادث", reply_to="h3", media=photos("h4", 3)
    )
    h5 = C.post(
        "h5",
        S24,
        "2023-12-28 17:10",
        s,
        """الحافلة التي تعرضت لحادث السير على أوتوستراد دمشق – درعا كانت متجهة إلى مدينة السويداء، ومعظم ركابها من أبناء المحافظة، وتم نقل الجرحى إلى المشفى الوطني في الصنمين.""",
    )
    C.post(
        "h6", S24F, "2023-12-28 17:32", s, V(h5["text"], "nohamza", ("prefix", "⚠️ ")), copy_of="h5"
    )
    C.post(
        "h7",
        D24,
        "2023-12-28 19:45",
        s,
        """ارتفاع حصيلة ضحايا حادث أوتوستراد دمشق – درعا إلى ٥ وفيات، بعد وفاة اثنين من المصابين في مشفى الصنمين الوطني.""",
    )
    C.post(
        "h8",
        S24,
        "2023-12-29 11:00",
        s,
        """عرمان | أهالي البلدة يشيّعون ثلاثة من أبنائها قضوا أمس في حادث سير قرب غباغب، وسط حزن كبير خيّم على ريف السويداء الجنوبي.""",
    )


def story_shahba_checkpoint(C):
    """30-31 Dec: gunmen in Shahba hold checkpoint soldiers after an arrest; an exchange ends it."""
    s = "shahba-checkpoint-standoff"
    C.post(
        "c1",
        S24,
        "2023-12-30 09:40",
        s,
        """شهبا | توتر أمني عند المدخل الشمالي لمدينة شهبا، بعد احتجاز مسلحين محليين ثلاثة عناصر من حاجز الأمن العسكري، رداً على اعتقال شاب من المدينة على الحاجز ذاته مساء أمس.""",
    )
    c1 = C.posts["c1"]
    C.post(
        "c2",
        S24F,
        "2023-12-30 10:05",
        s,
        V(c1["text"], ("rep", "لمدينة شهبا", "لمدينه شهبا"), ("suffix", "\n#شهبا #السويداء")),
        copy_of="c1",
    )
    C.post(
        "c3", S24, "2023-12-30 11:20", s, "صورة من محيط الحاجز", reply_to="c1", media=photos("c3")
    )
    c4 = C.post(
        "c4",
        S24,
        "2023-12-30 14:30",
        s,
        """تحديث | الإفراج عن العناصر الثلاثة مقابل إطلاق سراح الشاب المعتقل، بوساطة من وجهاء مدينة شهبا، وعودة الهدوء إلى محيط الحاجز.""",
    )
    C.post("c5", S24F, "2023-12-30 14:51", s, V(c4["text"], "nohamza", "ya"), copy_of="c4")
    C.post(
        "c6",
        SOHR,
        "2023-12-30 17:00",
        s,
        paras(
            "شهدت مدينة شهبا في ريف السويداء الشمالي توتراً أمنياً، صباح اليوم، بعد احتجاز مسلحين محليين عناصر من حاجز يتبع للأمن العسكري عند المدخل الشمالي للمدينة.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن الاحتجاز جاء رداً على اعتقال شاب من أبناء المدينة على الحاجز ذاته، قبل أن تنتهي الأزمة بعملية تبادل بوساطة وجهاء محليين.",
            "وتتكرر حوادث احتجاز العناصر في محافظة السويداء للضغط من أجل الإفراج عن معتقلين من أبنائها.",
        ),
        title="احتجاز عناصر من الأمن العسكري في شهبا.. وتبادل ينهي التوتر",
    )
    C.post(
        "c7",
        S24,
        "2023-12-30 18:10",
        s,
        """تصحيح: عدد عناصر الحاجز الذين احتجزهم المسلحون صباح اليوم في شهبا اثنان وليس ثلاثة.""",
    )
    C.post(
        "c8",
        ENAB,
        "2023-12-31 12:30",
        s,
        paras(
            'انتهى توتر أمني شهدته مدينة شهبا شمالي السويداء، السبت 30 من كانون الأول، بعملية تبادل أُفرج بموجبها عن عنصرين من "الأمن العسكري" مقابل إطلاق سراح شاب اعتقله الحاجز ذاته.',
            "وقال مصدر أهلي لعنب بلدي، إن مسلحين من المدينة احتجزوا العنصرين صباحاً، بعد ساعات من اعتقال الشاب أثناء عودته من دمشق.",
            "وأضاف المصدر أن وجهاء من شهبا تواصلوا مع ضباط في الفرع، وجرى التبادل بعد الظهر عند مدخل المدينة.",
            "وشهدت السويداء حوادث مماثلة خلال الأشهر الماضية، في ظل الاحتجاجات المستمرة في المحافظة.",
        ),
        title="شهبا.. اعتقال واحتجاز متبادل ينتهي بوساطة أهلية",
        fmt="iso_naive",
    )


def lone_stories(C):
    """Background posts: each its own story (the weather one also has a Facebook copy)."""
    C.post(
        "L1",
        ENAB,
        "2023-12-11 10:30",
        "octane-price-rise",
        paras(
            'رفعت وزارة التجارة الداخلية وحماية المستهلك في حكومة النظام السوري سعر ليتر البنزين "أوكتان 95" إلى 14 ألفاً و930 ليرة سورية، في ثاني تعديل على سعره خلال أقل من شهر.',
            'وبحسب القرار الذي نشرته الوزارة عبر صفحتها في "فيس بوك"، فإن السعر الجديد يسري اعتباراً من صباح اليوم، وجاء "بناء على التكاليف الفعلية للاستيراد".',
            "وكان سعر الليتر 13 ألفاً و500 ليرة، بموجب قرار صدر منتصف تشرين الثاني الماضي.",
            'ويُباع البنزين "أوكتان 95" عبر عدد محدود من المحطات، بينما يحصل أصحاب السيارات على البنزين المدعوم عبر "البطاقة الذكية" بكميات محدودة.',
        ),
        title='رفع سعر البنزين "أوكتان 95" للمرة الثانية خلال شهر',
    )
    C.post(
        "L6",
        HTG,
        "2023-12-13 14:00",
        "olive-oil-prices",
        """أسعار | سعر صفيحة زيت الزيتون (16 ليتراً) في ريف درعا الغربي يتراوح بين 900 ألف ومليون و100 ألف ليرة سورية، مع انتهاء موسم العصر وتراجع الإنتاج مقارنة بالعام الماضي بسبب قلة الأمطار.""",
    )
    C.post(
        "L5",
        S24,
        "2023-12-19 11:30",
        "suwayda-bread-allocation",
        """السويداء | المؤسسة السورية للمخابز تخفّض مخصصات عدد من أفران الريف الشرقي من الطحين، ما أدى إلى ازدحام كبير أمام الأفران منذ ساعات الصباح، وشكاوى من نقص الخبز في قرى المقرن الشرقي.""",
    )
    C.post(
        "L4",
        D24,
        "2023-12-20 12:00",
        "daraa-teachers-results",
        """صدور نتائج المسابقة المركزية للتعاقد مع المعلمين في محافظة درعا، ويمكن للمتقدمين الاطلاع عليها عبر موقع وزارة التربية:
https://moed.gov.sy/site/results

#درعا #مسابقة_المعلمين""",
        ext_links=["https://moed.gov.sy/site/results"],
    )
    C.post(
        "L7",
        D24W,
        "2023-12-25 12:00",
        "izraa-christmas-mass",
        paras(
            "أحيا أهالي مدينة إزرع وبلدة خبب في ريف درعا الشمالي قداس عيد الميلاد في كنائس المنطقة، وسط حضور لافت من الأهالي رغم الظروف الاقتصادية الصعبة.",
            "وقال مراسل درعا 24 إن الاحتفالات اقتصرت على الطقوس الدينية داخل الكنائس، بعد أن ألغت الرعايا الاحتفالات العامة تضامناً مع ضحايا الحرب في غزة.",
            "وتبادل أبناء المنطقة من مختلف الطوائف التهاني بالعيد، في تقليد يحافظ عليه أهالي حوران منذ عقود.",
        ),
        title="قداس عيد الميلاد في كنائس إزرع وخبب بريف درعا الشمالي",
    )
    w = C.post(
        "L2",
        S24,
        "2023-12-27 08:00",
        "suwayda-snowfall",
        """طقس | تساقط الثلوج على قمم جبل العرب والمناطق المرتفعة في ريف السويداء الشرقي، مع انخفاض كبير في درجات الحرارة، ودعوات للسائقين لتوخي الحذر على طريق ظهر الجبل.""",
    )
    C.post(
        "L2f",
        S24F,
        "2023-12-27 08:20",
        "suwayda-snowfall",
        V(w["text"], ("suffix", " ❄️❄️")),
        copy_of="L2",
    )
    C.post(
        "L3",
        D24W,
        "2023-12-29 10:00",
        "daraa-power-rationing",
        paras(
            "زادت ساعات التقنين الكهربائي في مدينة درعا وريفها خلال الأيام الماضية، لتصل إلى خمس ساعات قطع مقابل ساعة وصل واحدة في معظم الأحياء.",
            "وقال موظف في شركة كهرباء درعا لدرعا 24 إن السبب يعود إلى انخفاض كميات الغاز الواصلة إلى محطات التوليد مع بداية فصل الشتاء وزيادة الأحمال.",
            "ويعتمد الأهالي على البطاريات وألواح الطاقة الشمسية لتأمين الإنارة، بينما ارتفعت أسعار الأمبيرات في بعض أحياء المدينة.",
        ),
        title="زيادة ساعات التقنين الكهربائي في درعا إلى خمس ساعات قطع",
        fmt="iso_naive",
    )


def corpus_posts(C):
    # crawls that could not run (arrival-order hard cases)
    C.outage(D24, "2023-12-19 08:00", "2023-12-19 10:00")  # t.me rate-limited: X, site copies first
    C.outage(D24X, "2023-12-19 14:00", "2023-12-20 17:00")  # the Nitter bridge was down for a day
    C.outage(D24, "2023-12-24 07:00", "2023-12-24 11:00")  # SOHR's update arrives before Daraa 24's
    C.outage(S24, "2023-12-12 10:00", "2023-12-12 12:00")  # the Facebook copy arrives first
    C.outage(D24, "2023-12-14 21:00", "2023-12-14 23:00")  # the X copies of the bomb report first
    C.outage(S24, "2023-12-28 17:00", "2023-12-28 19:00")
    story_tafas_pharmacist(C)
    story_suwayda_kidnapping(C)
    story_inkhil_jasim_bomb(C)
    story_jasim_siege(C)
    story_karama_protests(C)
    story_nawa_raid(C)
    story_busra_detainee(C)
    story_daraa_balad_wave(C)
    story_sanamayn_wave(C)
    story_mzeireeb_blast(C)
    story_quneitra_shelling(C)
    story_zakiyah_arrests(C)
    story_highway_accident(C)
    story_shahba_checkpoint(C)
    lone_stories(C)


# ---------------------------------------------------------------- dev.jsonl, March 2024


def dev_daael_clashes(C):
    """3-5 Mar: clashes in Da'el between a local group and a Military Security group."""
    s = "daael-clashes"
    x1 = C.post(
        "x1",
        D24,
        "2024-03-03 21:20",
        s,
        """عـاجـل | اشتباكات عنيفة بالأسلحة الرشاشة في مدينة داعل بريف درعا الأوسط، بين مجموعة محلية وأخرى تتبع لفرع الأمن العسكري، وسط حالة من الهلع بين الأهالي.

#داعل #درعا""",
    )
    C.post("x2", D24X, "2024-03-03 21:23", s, V(x1["text"], "untatweel", "nohamza"), copy_of="x1")
    C.post(
        "x3",
        HTG,
        "2024-03-03 21:35",
        s,
        """داعل | مقتل شخصين وإصابة آخرين في اشتباكات تدور منذ ساعة في الحي الجنوبي من المدينة، على خلفية خلاف بين مجموعتين محليتين إحداهما مدعومة من الأمن العسكري.""",
    )
    x4 = C.post(
        "x4",
        D24,
        "2024-03-03 23:10",
        s,
        """ارتفاع حصيلة قتلى اشتباكات داعل إلى ٣، بينهم مدني، وإصابة ٥ آخرين، مع استمرار تبادل إطلاق النار بشكل متقطع.

#داعل""",
    )
    C.post("x5", D24X, "2024-03-03 23:13", s, V(x4["text"], "western", "oneline"), copy_of="x4")
    C.post(
        "x6",
        HTG,
        "2024-03-04 00:05",
        s,
        "فيديو يُظهر أصوات الاشتباكات في داعل",
        reply_to="x3",
        media=photos("x6", 1, "video"),
    )
    x7 = C.post(
        "x7",
        D24,
        "2024-03-04 09:30",
        s,
        """داعل | هدوء حذر يسود المدينة صباح اليوم بعد ليلة من الاشتباكات، ووجهاء من المدينة يعملون على التوصل إلى تهدئة بين الطرفين.""",
    )
    C.post(
        "x7x",
        D24X,
        "2024-03-04 09:34",
        s,
        V(x7["text"], ("unprefix", "داعل | "), ("suffix", " #داعل #درعا")),
        copy_of="x7",
    )
    C.post(
        "x8",
        HTG,
        "2024-03-04 10:15",
        s,
        """تصحيح | القتيل المدني في اشتباكات داعل سيدة خمسينية أصيبت برصاصة طائشة في منزلها، وليس طفلاً كما ورد في منشور سابق.""",
    )
    C.post(
        "x9",
        SOHR,
        "2024-03-04 12:00",
        s,
        paras(
            "قُتل 3 أشخاص بينهم سيدة، وأُصيب 5 آخرون، في اشتباكات عنيفة شهدتها مدينة داعل بريف درعا ليل أمس، بين مجموعة محلية ومجموعة مسلحة تتبع لجهاز الأمن العسكري.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن الاشتباكات اندلعت على خلفية خلاف قديم بين الطرفين، تطور إلى تبادل لإطلاق النار في الحي الجنوبي من المدينة.",
            "ويسود هدوء حذر المدينة منذ ساعات الصباح، وسط مساعٍ يبذلها وجهاء محليون للتهدئة.",
        ),
        title="3 قتلى بينهم سيدة في اشتباكات بين مجموعات محلية في مدينة داعل بريف درعا",
    )
    C.post(
        "x10",
        D24,
        "2024-03-04 15:40",
        s,
        """داعل | تشييع القتلى الثلاثة في مقبرة المدينة بمشاركة المئات، وسط انتشار لمسلحين من الطرفين عند مداخل الأحياء.""",
    )
    C.post(
        "x11",
        ENAB,
        "2024-03-04 18:00",
        s,
        paras(
            'شهدت مدينة داعل في ريف درعا الأوسط، ليل الأحد 3 من آذار، اشتباكات بين مجموعتين محليتين، إحداهما مدعومة من فرع "الأمن العسكري"، أسفرت عن مقتل ثلاثة أشخاص بينهم سيدة.',
            "وقال مراسل عنب بلدي في درعا، إن الاشتباكات اندلعت إثر خلاف على نقطة تفتيش أقامتها المجموعة المدعومة من الأمن العسكري عند مدخل الحي الجنوبي.",
            "وأضاف أن وجهاء من المدينة توصلوا صباح الاثنين إلى اتفاق مبدئي للتهدئة، يقضي بإزالة نقطة التفتيش وتشكيل لجنة للتحقيق في مقتل السيدة.",
            "وتتكرر الاشتباكات بين المجموعات المحلية في ريف درعا، في ظل انتشار السلاح وغياب أي سلطة قادرة على ضبطه.",
        ),
        title="قتلى في اشتباكات بين مجموعات محلية في داعل.. ووجهاء يتدخلون للتهدئة",
        embeds=["x7"],
        fmt="ar_long",
    )
    C.post(
        "x11b",
        D24W,
        "2024-03-04 19:30",
        s,
        paras(
            "عاد الهدوء الحذر إلى مدينة داعل في ريف درعا الأوسط، بعد ليلة دامية قُتل فيها ثلاثة أشخاص، بينهم سيدة، في اشتباكات بين مجموعتين محليتين.",
            "وقال مراسل درعا 24 إن المحال التجارية فتحت أبوابها جزئياً، بينما بقيت المدارس في الحي الجنوبي مغلقة، وسط انتشار مسلحين من الطرفين عند مداخل الأحياء.",
            "وشيّع المئات من أبناء المدينة القتلى الثلاثة عصر الاثنين، في حين يواصل وجهاء المدينة اجتماعاتهم مع الطرفين للتوصل إلى اتفاق ينهي التوتر.",
            "وتعود جذور الخلاف، بحسب مصادر محلية، إلى نقطة تفتيش أقامتها إحدى المجموعتين قبل أسبوعين عند مدخل الحي الجنوبي.",
        ),
        title="داعل بعد ليلة الاشتباكات.. هدوء حذر ومساعٍ للتهدئة",
        fmt="rfc_local",
    )
    C.post(
        "x12",
        SOHREN,
        "2024-03-04 20:00",
        s,
        paras(
            "Three people, including a woman, were killed and five others were injured in clashes between two local groups, one of them affiliated with the Military Security, in Da'el city in the middle countryside of Daraa on Sunday night.",
            "A cautious calm has prevailed since Monday morning, as local notables work to reach a truce between the two sides.",
        ),
        title="Three killed in clashes between local groups in Da'el city in Daraa",
        lang="en",
    )
    x13 = C.post(
        "x13",
        D24,
        "2024-03-05 11:00",
        s,
        """متابعة للخبر السابق | وجهاء داعل يعلنون التوصل إلى اتفاق تهدئة بين الطرفين، يقضي بإزالة نقطة التفتيش في الحي الجنوبي وتسليم المتورط بمقتل السيدة للجنة عشائرية.""",
    )

    C.post(
        "x14",
        HTG,
        "2024-03-05 11:30",
        s,
        V(x13["text"], ("unprefix", "متابعة للخبر السابق | "), "nohamza", ("suffix", " (درعا 24)")),
        copy_of="x13",
    )


def dev_izraa_attack(C):
    """4-5 Mar: an attack on an Air Force Intelligence checkpoint near Izraa (same days as Da'el)."""
    s = "izraa-checkpoint-attack"
    y1 = C.post(
        "y1",
        D24,
        "2024-03-04 20:50",
        s,
        """عـاجـل | هجوم بالأسلحة الرشاشة يستهدف حاجزاً لفرع المخابرات الجوية على الطريق الواصل بين مدينة إزرع وبلدة الشيخ مسكين، وأنباء عن قتلى في صفوف العناصر.

#إزرع #درعا""",
    )
    C.post(
        "y1r",
        D24,
        "2024-03-04 21:15",
        s,
        "صورة للحاجز المستهدف",
        reply_to="y1",
        media=photos("y1r"),
    )
    C.post(
        "y2",
        D24X,
        "2024-03-04 20:54",
        s,
        V(y1["text"], "untatweel", "nohamza", ("tags", "#ازرع #درعا")),
        copy_of="y1",
    )
    C.post(
        "y3",
        HTG,
        "2024-03-04 21:05",
        s,
        """ريف درعا الشمالي | مسلحون مجهولون يهاجمون حاجز "المخابرات الجوية" قرب إزرع، ما أدى لمقتل عنصرين وإصابة ثالث، وانسحاب المهاجمين باتجاه الأراضي الزراعية.""",
    )
    y4 = C.post(
        "y4",
        D24,
        "2024-03-04 22:30",
        s,
        """ارتفاع حصيلة قتلى الهجوم على حاجز المخابرات الجوية قرب إزرع إلى ٣ عناصر، بعد وفاة العنصر المصاب في مشفى إزرع الوطني.""",
    )
    C.post("y4x", D24X, "2024-03-04 22:33", s, V(y4["text"], "western", "nohamza"), copy_of="y4")
    C.post(
        "y5",
        HTG,
        "2024-03-05 08:40",
        s,
        """إزرع | قوات النظام تستقدم تعزيزات إلى محيط الحاجز الذي تعرض للهجوم ليلة أمس، وتنفذ عمليات تفتيش في المزارع القريبة من الطريق.""",
    )
    C.post(
        "y6",
        HTG,
        "2024-03-05 08:55",
        s,
        "صور التعزيزات قرب الحاجز",
        reply_to="y5",
        media=photos("y6", 2),
    )
    C.post(
        "y7",
        SOHR,
        "2024-03-05 10:00",
        s,
        paras(
            "قُتل 3 عناصر من جهاز المخابرات الجوية، جراء هجوم مسلح استهدف حاجزاً لهم على الطريق بين مدينة إزرع وبلدة الشيخ مسكين بريف درعا الشمالي، ليل أمس.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن مسلحين مجهولين هاجموا الحاجز بالأسلحة الرشاشة قبل أن ينسحبوا، فيما استقدمت قوات النظام تعزيزات إلى المنطقة صباح اليوم.",
            "ولم تتبنَّ أي جهة الهجوم حتى الآن.",
        ),
        title="مقتل 3 عناصر من المخابرات الجوية بهجوم على حاجز قرب إزرع بريف درعا",
    )
    C.post(
        "y8",
        D24W,
        "2024-03-05 13:00",
        s,
        paras(
            "قُتل ثلاثة عناصر من فرع المخابرات الجوية، مساء الاثنين، بهجوم نفذه مسلحون مجهولون على حاجز للفرع على الطريق الواصل بين مدينة إزرع وبلدة الشيخ مسكين.",
            "وقال مراسل درعا 24 إن المهاجمين استخدموا الأسلحة الرشاشة من مسافة قريبة، ثم انسحبوا باتجاه الأراضي الزراعية غربي الطريق.",
            "واستقدمت قوات النظام صباح الثلاثاء تعزيزات عسكرية إلى محيط الحاجز، ونفذت عمليات تفتيش في المزارع والمنازل القريبة، دون تسجيل اعتقالات.",
            "ويأتي الهجوم بعد يوم واحد من اشتباكات دامية شهدتها مدينة داعل القريبة.",
        ),
        title="ثلاثة قتلى من المخابرات الجوية بهجوم على حاجز قرب إزرع",
        links=["y4"],
        fmt="rfc_local",
    )
    C.post(
        "y8b",
        ENAB,
        "2024-03-05 17:30",
        s,
        paras(
            'قُتل ثلاثة عناصر من "المخابرات الجوية" بهجوم استهدف حاجزاً على طريق إزرع – الشيخ مسكين في ريف درعا الشمالي، مساء الاثنين 4 من آذار.',
            "وقال مراسل عنب بلدي، إن الهجوم نُفذ من سيارة مسرعة أطلق من فيها النار على عناصر الحاجز، قبل أن تنسحب باتجاه الأراضي الزراعية.",
            "وجاء الهجوم في اليوم التالي لاشتباكات شهدتها مدينة داعل، ما يعكس حالة الانفلات الأمني التي تعيشها المحافظة.",
            "ولم تتبنَّ أي جهة الهجوم، فيما نعت صفحات موالية العناصر الثلاثة.",
        ),
        title='هجوم على حاجز لـ"الجوية" قرب إزرع يقتل ثلاثة عناصر',
    )
    C.post(
        "y9",
        SOHREN,
        "2024-03-05 15:00",
        s,
        paras(
            "Three members of the Air Force Intelligence were killed on Monday night in an armed attack on their checkpoint on the road between Izraa and Al-Sheikh Maskin in Daraa countryside.",
            "Regime forces sent reinforcements to the area on Tuesday morning and searched nearby farms.",
        ),
        title="Three Air Force Intelligence members killed in attack on checkpoint near Izraa",
        lang="en",
    )


def dev_student_detention(C):
    """9-12 Mar: a student from Suwayda detained in Damascus; protests; road blocked; release."""
    s = "suwayda-student-detention"
    u1 = C.post(
        "u1",
        S24,
        "2024-03-09 14:20",
        s,
        """السويداء | اعتقال الطالب الجامعي "ليث سلمان أبو فخر" (22 عاماً) من أبناء بلدة القريا، على حاجز للأمن العسكري في منطقة الكسوة بريف دمشق، أثناء توجهه إلى جامعته في دمشق.

#السويداء #اعتقال""",
    )
    C.post(
        "u1c",
        S24,
        "2024-03-09 14:50",
        s,
        """تصحيح: عمر الطالب المعتقل ليث أبو فخر 21 عاماً وليس 22 كما ورد.""",
    )
    C.post("u2", S24F, "2024-03-09 14:40", s, V(u1["text"], "indic", "notags"), copy_of="u1")
    C.post(
        "u3",
        S24,
        "2024-03-09 19:30",
        s,
        """القريا | عائلة الطالب ليث أبو فخر ووجهاء البلدة يطالبون بالإفراج الفوري عنه، ويحمّلون الأجهزة الأمنية مسؤولية سلامته.""",
    )
    u4 = C.post(
        "u4",
        S24,
        "2024-03-10 12:30",
        s,
        """ساحة الكرامة | المحتجون يرفعون صور الطالب المعتقل ليث أبو فخر، ويطالبون بإطلاق سراحه وسراح جميع المعتقلين من أبناء المحافظة.""",
    )
    C.post("u5", S24, "2024-03-10 12:50", s, "صور من الساحة", reply_to="u4", media=photos("u5", 3))
    C.post("u6", S24F, "2024-03-10 13:05", s, V(u4["text"], "nohamza", "ya"), copy_of="u4")
    C.post(
        "u7",
        SOHR,
        "2024-03-10 16:00",
        s,
        paras(
            "طالب محتجون في ساحة الكرامة بمدينة السويداء، اليوم، بالإفراج عن طالب جامعي من أبناء بلدة القريا، اعتقلته الأجهزة الأمنية أمس على حاجز في منطقة الكسوة بريف دمشق.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن الطالب كان متوجهاً إلى جامعته في دمشق، ولم تُعرف أسباب اعتقاله.",
            "وتتكرر حالات اعتقال أبناء السويداء على الحواجز المحيطة بدمشق منذ بدء الاحتجاجات في المحافظة في آب الماضي.",
        ),
        title="محتجو السويداء يطالبون بالإفراج عن طالب جامعي اعتقل على حاجز في ريف دمشق",
    )
    u8 = C.post(
        "u8",
        S24,
        "2024-03-11 09:15",
        s,
        """عاجل | شبان من بلدة القريا يقطعون طريق السويداء – دمشق عند دوار العنقود احتجاجاً على استمرار اعتقال الطالب ليث أبو فخر.""",
    )
    C.post(
        "u8r",
        S24,
        "2024-03-11 09:30",
        s,
        "صور من قطع الطريق عند دوار العنقود",
        reply_to="u8",
        media=photos("u8r", 3),
    )
    C.post(
        "u9",
        S24F,
        "2024-03-11 09:40",
        s,
        V(u8["text"], ("rep", "عاجل", "عـاجـل"), ("suffix", " ‼️")),
        copy_of="u8",
    )
    u10 = C.post(
        "u10",
        S24,
        "2024-03-11 18:45",
        s,
        """تحديث | إعادة فتح طريق السويداء – دمشق بعد وعود من محافظ السويداء بالإفراج عن الطالب خلال 24 ساعة.""",
    )
    C.post("u10f", S24F, "2024-03-11 19:05", s, V(u10["text"], "indic"), copy_of="u10")
    u11 = C.post(
        "u11",
        S24,
        "2024-03-12 15:30",
        s,
        """الإفراج عن الطالب الجامعي ليث أبو فخر ووصوله إلى بلدته القريا، حيث استقبله الأهالي بالأهازيج 🎉""",
    )
    C.post(
        "u11r",
        S24,
        "2024-03-12 15:45",
        s,
        "🎥 لحظة وصول ليث إلى القريا",
        reply_to="u11",
        media=photos("u11r", 1, "video"),
    )
    C.post(
        "u11f",
        S24F,
        "2024-03-12 15:58",
        s,
        V(u11["text"], "nohamza", ("rep", " 🎉", "")),
        copy_of="u11",
    )
    C.post(
        "u12",
        ENAB,
        "2024-03-12 19:00",
        s,
        paras(
            "أُفرج عن طالب جامعي من أبناء محافظة السويداء، الثلاثاء 12 من آذار، بعد ثلاثة أيام على اعتقاله على حاجز للأمن العسكري في منطقة الكسوة بريف دمشق.",
            "وكان شبان من بلدة القريا، مسقط رأس الطالب، قطعوا طريق السويداء – دمشق يوم الاثنين، للضغط من أجل الإفراج عنه، قبل أن يعيدوا فتحه بعد وعود من المحافظ.",
            'وقالت شبكة "السويداء 24" إن الطالب وصل إلى بلدته عصر الثلاثاء، واستقبله الأهالي في ساحة البلدة.',
            "وتتهم فعاليات السويداء الأجهزة الأمنية باستخدام الاعتقال على الحواجز وسيلة للضغط على المحافظة بسبب استمرار الاحتجاجات.",
        ),
        title="بعد قطع طريق دمشق.. الإفراج عن طالب من السويداء اعتقل في الكسوة",
    )
    C.post(
        "u13",
        SOHREN,
        "2024-03-12 20:00",
        s,
        paras(
            "Regime security services released on Tuesday a university student from Al-Qrayya town in Al-Suwaidaa countryside, three days after he was arrested at a Military Security checkpoint in Al-Kiswah in Rural Damascus.",
            "Young men from his hometown had blocked the Al-Suwaidaa-Damascus road on Monday to demand his release.",
        ),
        title="University student from Al-Suwaidaa released three days after his arrest in Rural Damascus",
        lang="en",
    )


def dev_khan_arnabah(C):
    """12-13 Mar: a security raid in Khan Arnabah, Quneitra."""
    s = "khan-arnabah-raid"
    v1 = C.post(
        "v1",
        D24,
        "2024-03-12 07:40",
        s,
        """#القنيطرة | دوريات من الأمن العسكري تداهم عدداً من المنازل في مدينة خان أرنبة، وتعتقل ثلاثة شبان بينهم عنصر سابق في فصائل المعارضة.""",
    )
    C.post(
        "v2",
        D24X,
        "2024-03-12 07:44",
        s,
        V(v1["text"], "nohamza", ("suffix", "\n#خان_ارنبة")),
        copy_of="v1",
    )
    C.post(
        "v3",
        HTG,
        "2024-03-12 08:20",
        s,
        """القنيطرة | حملة دهم في خان أرنبة منذ ساعات الصباح الأولى، مع إغلاق الطريق الواصل إلى مدينة البعث، وانتشار لعناصر الأمن العسكري في الأحياء الشرقية.""",
    )
    v4 = C.post(
        "v4",
        D24,
        "2024-03-12 10:05",
        s,
        """خان أرنبة | تحديث: ارتفاع عدد المعتقلين إلى ٥ شبان، وانسحاب الدوريات من المدينة بعد انتهاء الحملة.""",
    )
    C.post(
        "v4x",
        D24X,
        "2024-03-12 10:08",
        s,
        V(v4["text"], "western", ("suffix", " #القنيطرة")),
        copy_of="v4",
    )
    C.post(
        "v5",
        SOHR,
        "2024-03-12 13:00",
        s,
        paras(
            "اعتقلت دوريات تابعة للأمن العسكري 5 شبان من أبناء مدينة خان أرنبة في ريف القنيطرة، خلال حملة دهم نفذتها صباح اليوم.",
            'ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن من بين المعتقلين عنصراً سابقاً في فصائل المعارضة كان قد أجرى "تسوية" عام 2018.',
            "واقتيد المعتقلون إلى جهة مجهولة.",
        ),
        title="الأمن العسكري يعتقل 5 شبان خلال حملة دهم في خان أرنبة بريف القنيطرة",
    )
    C.post(
        "v6",
        HTG,
        "2024-03-13 11:30",
        s,
        """خان أرنبة | ذوو المعتقلين الخمسة يراجعون فرع الأمن العسكري في القنيطرة دون الحصول على أي معلومات عن أبنائهم أو التهم الموجهة إليهم.""",
    )
    C.post(
        "v7",
        ENAB,
        "2024-03-13 17:00",
        s,
        paras(
            'اعتقلت دوريات من "الأمن العسكري" خمسة شبان في مدينة خان أرنبة بريف القنيطرة، الثلاثاء 12 من آذار، في حملة دهم استمرت ساعات.',
            "وقال أحد أقارب المعتقلين لعنب بلدي، إن العائلات راجعت فرع الأمن العسكري في اليوم التالي، لكن الفرع رفض تقديم أي معلومات.",
            'وتخضع مدينة خان أرنبة لاتفاق "التسوية" منذ عام 2018، وتشهد حملات اعتقال متفرقة تطال عناصر سابقين في فصائل المعارضة.',
        ),
        title="خمسة معتقلين في حملة دهم بخان أرنبة.. وذووهم بلا إجابات",
        links=["v1", "v3"],
        fmt="ar_date_indic",
    )


def dev_kiswah_explosion(C):
    """18-19 Mar: a fuel station explodes in al-Kiswah, rural Damascus; the toll rises; a correction."""
    s = "kiswah-fuel-station-fire"
    C.post(
        "w1",
        SOHR,
        "2024-03-18 13:00",
        s,
        paras(
            "اندلع حريق ضخم إثر انفجار في محطة للمحروقات في مدينة الكسوة بريف دمشق الجنوبي، ظهر اليوم، ما أدى لمقتل شخصين وإصابة آخرين.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن الانفجار وقع أثناء تفريغ صهريج للمحروقات، وامتدت النيران إلى محال تجارية مجاورة.",
            "وهرعت فرق الإطفاء إلى المكان، وسط معلومات عن وجود عالقين.",
        ),
        title="قتيلان وجرحى بانفجار في محطة محروقات في الكسوة بريف دمشق",
    )
    w2 = C.post(
        "w2",
        D24,
        "2024-03-18 13:20",
        s,
        """عـاجـل | انفجار صهريج محروقات داخل محطة وقود في مدينة الكسوة بريف دمشق، ما أدى لاندلاع حريق كبير ووقوع ضحايا، والطريق الدولي دمشق – درعا مغلق في المنطقة.

#الكسوة""",
    )
    C.post("w3", D24X, "2024-03-18 13:24", s, V(w2["text"], "untatweel", "nodiac"), copy_of="w2")
    C.post(
        "w2r",
        D24,
        "2024-03-18 13:40",
        s,
        "صور من موقع الانفجار 📷",
        reply_to="w2",
        media=photos("w2r", 2),
    )
    C.post(
        "w4",
        D24,
        "2024-03-18 15:00",
        s,
        """ارتفاع حصيلة ضحايا انفجار محطة الوقود في الكسوة إلى ٤ قتلى و١١ مصاباً، بينهم عمال في المحطة.""",
    )
    C.post(
        "w5",
        D24X,
        "2024-03-18 15:05",
        s,
        """Update: Death toll from the fuel station explosion in Al-Kiswah, south of Damascus, rises to 4, with 11 injured. The Damascus-Daraa highway has reopened.""",
    )
    C.post(
        "w6",
        SOHR,
        "2024-03-18 18:00",
        s,
        paras(
            "ارتفعت حصيلة ضحايا انفجار محطة المحروقات في مدينة الكسوة بريف دمشق إلى 6 قتلى، بعد وفاة اثنين من المصابين متأثرين بحروقهم.",
            "ووفقاً لمصادر المرصد السوري، فإن بين القتلى صاحب المحطة وثلاثة من العمال.",
            "وتمكنت فرق الإطفاء من إخماد الحريق بعد نحو ثلاث ساعات.",
        ),
        title="6 قتلى حصيلة انفجار محطة المحروقات في الكسوة",
    )
    C.post(
        "w7",
        SOHR,
        "2024-03-18 20:30",
        s,
        paras(
            "تصحيح: عدد المصابين في انفجار محطة المحروقات في الكسوة 9 وليس 11 كما ورد في مصادر أولية، بينما بقيت حصيلة القتلى 6 أشخاص.",
            "ولا يزال 3 من المصابين في حالة حرجة في مشفى المواساة بدمشق.",
        ),
        title="تصحيح حول عدد المصابين في انفجار الكسوة",
    )
    C.post(
        "w7e",
        SOHREN,
        "2024-03-18 21:00",
        s,
        paras(
            "Six people were killed and nine others were injured when a fuel tanker exploded inside a petrol station in Al-Kiswah city, south of Damascus, on Monday.",
            "According to SOHR sources, the owner of the station and three workers are among the dead. Fire brigades put out the fire after about three hours.",
        ),
        title="Six killed in fuel station explosion in Al-Kiswah in Rural Damascus",
        lang="en",
    )
    C.post(
        "w8",
        ENAB,
        "2024-03-19 12:00",
        s,
        paras(
            "قُتل ستة أشخاص وأُصيب تسعة آخرون بانفجار صهريج محروقات داخل محطة وقود في مدينة الكسوة جنوبي دمشق، الاثنين 18 من آذار.",
            "وقال شاهد عيان لعنب بلدي، إن الانفجار وقع أثناء تفريغ الصهريج، وإن النيران امتدت خلال دقائق إلى محلين تجاريين ملاصقين للمحطة.",
            "وأغلقت شرطة المرور الطريق الدولي دمشق – درعا لساعات، قبل أن يعاد فتحه مساءً.",
            "ولم تعلن الجهات الرسمية سبب الانفجار، بينما تحدث عاملون في قطاع المحروقات عن غياب شروط السلامة في كثير من المحطات الخاصة.",
        ),
        title="ستة قتلى بانفجار محطة وقود في الكسوة جنوبي دمشق",
    )


def dev_harak_kidnapping(C):
    """20-23 Mar: a child kidnapped in al-Harak, eastern Daraa; ransom demand; release."""
    s = "harak-child-kidnapping"
    r1 = C.post(
        "r1",
        D24,
        "2024-03-20 16:30",
        s,
        """#الحراك | اختطاف الطفل "محمد علي الخطيب" (9 أعوام) أثناء عودته من المدرسة في بلدة الحراك بريف درعا الشرقي، من قبل مجهولين يستقلون سيارة سوداء.""",
    )
    C.post(
        "r2",
        D24X,
        "2024-03-20 16:33",
        s,
        V(r1["text"], ("unprefix", "#"), ("prefix", "عاجل | ")),
        copy_of="r1",
    )
    C.post(
        "r3",
        HTG,
        "2024-03-20 17:00",
        s,
        """الحراك | عائلة الطفل المخطوف تناشد الأهالي والجهات المعنية المساعدة في العثور عليه، وتنشر صورته ورقم هاتف للتواصل.""",
        media=photos("r3"),
    )
    C.post("r4", HTG, "2024-03-20 17:05", s, "صورة الطفل", reply_to="r3", media=photos("r4"))
    C.post(
        "r5",
        D24,
        "2024-03-21 10:20",
        s,
        """الخاطفون يتواصلون مع عائلة الطفل محمد الخطيب ويطالبون بفدية قدرها 50 ألف دولار، وسط حالة من الغضب في بلدة الحراك.""",
    )
    C.post(
        "r6",
        D24,
        "2024-03-21 10:45",
        s,
        "تسجيل صوتي لأحد الخاطفين خلال اتصاله بالعائلة",
        reply_to="r5",
        media=photos("r6", 1, "audio"),
    )
    C.post(
        "r7",
        SOHR,
        "2024-03-21 14:00",
        s,
        paras(
            "يواصل مجهولون احتجاز طفل من أبناء بلدة الحراك في ريف درعا الشرقي، اختطفوه أمس أثناء عودته من مدرسته، ويطالبون ذويه بفدية مالية كبيرة.",
            "ووفقاً لمصادر المرصد السوري لحقوق الإنسان، فإن الخاطفين تواصلوا مع العائلة عبر رقم أجنبي، وهددوا بإيذاء الطفل في حال إبلاغ الأجهزة الأمنية.",
        ),
        title="مجهولون يختطفون طفلاً في ريف درعا الشرقي ويطالبون ذويه بفدية",
    )
    r8 = C.post(
        "r8",
        D24,
        "2024-03-23 20:10",
        s,
        """متابعة | الإفراج عن الطفل محمد الخطيب بعد ثلاثة أيام على اختطافه، ووصوله إلى منزل عائلته في الحراك بصحة جيدة، دون معرفة تفاصيل إطلاق سراحه.

#الحراك""",
    )
    C.post("r9", D24X, "2024-03-23 20:14", s, V(r8["text"], "nohamza", "oneline"), copy_of="r8")
    C.post(
        "r10",
        HTG,
        "2024-03-23 20:30",
        s,
        V(r8["text"], ("unprefix", "متابعة | "), "notags", ("suffix", "\n\n(درعا 24)")),
        copy_of="r8",
    )
    C.post(
        "r11",
        ENAB,
        "2024-03-24 11:00",
        s,
        paras(
            "عاد طفل مخطوف إلى عائلته في بلدة الحراك بريف درعا الشرقي، مساء السبت 23 من آذار، بعد ثلاثة أيام على اختطافه من قبل مجهولين طالبوا بفدية مالية.",
            "وقال أحد أقارب الطفل لعنب بلدي، إن العائلة لم تدفع المبلغ الذي طلبه الخاطفون، وإن وجهاء من البلدة تدخلوا عبر وسطاء.",
            "وتشهد محافظة درعا عمليات خطف متكررة بهدف الفدية، يطال بعضها أطفالاً.",
        ),
        title="بعد ثلاثة أيام على خطفه.. طفل من الحراك يعود إلى عائلته",
        fmt="iso_naive",
    )
    C.post(
        "r12",
        SOHREN,
        "2024-03-24 13:00",
        s,
        paras(
            "A child kidnapped by unknown gunmen in Al-Harak town in the eastern countryside of Daraa was released on Saturday evening, three days after his abduction.",
            "The kidnappers had demanded a ransom of 50,000 US dollars from his family. It remains unknown whether the ransom was paid.",
        ),
        title="Child kidnapped in Al-Harak in eastern Daraa released after three days",
        lang="en",
    )


def dev_lone(C):
    C.post(
        "e1",
        ENAB,
        "2024-03-11 10:00",
        "ramadan-prices-daraa",
        paras(
            "استقبل أهالي محافظة درعا شهر رمضان بارتفاع جديد في أسعار المواد الغذائية، إذ وصل سعر كيلو اللحم الغنم إلى 150 ألف ليرة سورية، والفروج إلى 40 ألفاً.",
            "وقال أحد التجار في مدينة درعا لعنب بلدي، إن حركة الأسواق ضعيفة مقارنة بالأعوام الماضية، وإن معظم الأهالي يكتفون بشراء الحاجات الأساسية.",
            "ويعتمد كثير من العائلات على الحوالات المالية من أبنائها في الخارج لتأمين احتياجات الشهر.",
        ),
        title="رمضان في درعا.. أسعار مرتفعة وأسواق بلا حركة",
    )
    w = C.post(
        "e2",
        S24,
        "2024-03-26 09:30",
        "suwayda-water-shortage",
        """السويداء | انقطاع مياه الشرب عن عدد من أحياء مدينة السويداء منذ أكثر من أسبوع، بسبب أعطال في مضخات بئر عين الزمان وانقطاع الكهرباء عن محطات الضخ.""",
    )
    C.post(
        "e3",
        S24F,
        "2024-03-26 09:55",
        "suwayda-water-shortage",
        V(w["text"], "nohamza", ("suffix", "\n#السويداء")),
        copy_of="e2",
    )


def dev_posts(C):
    C.outage(D24, "2024-03-03 21:00", "2024-03-03 22:00")  # the X copy of the first report first
    C.outage(S24, "2024-03-11 09:00", "2024-03-11 10:00")  # the Facebook copy first
    C.outage(D24, "2024-03-21 10:00", "2024-03-21 14:30")  # SOHR's report before Daraa 24's
    C.outage(
        D24, "2024-03-18 14:50", "2024-03-18 16:00"
    )  # the English X update before the toll post
    C.outage(D24, "2024-03-23 20:00", "2024-03-23 21:00")  # X and Horan copies of the release first
    C.outage(D24, "2024-03-12 07:00", "2024-03-12 08:00")  # the X copy of the raid report first
    C.outage(S24, "2024-03-12 15:00", "2024-03-12 16:30")  # the Facebook copy of the release first
    dev_daael_clashes(C)
    dev_izraa_attack(C)
    dev_student_detention(C)
    dev_khan_arnabah(C)
    dev_kiswah_explosion(C)
    dev_harak_kidnapping(C)
    dev_lone(C)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
