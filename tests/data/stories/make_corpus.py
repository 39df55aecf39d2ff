#!/usr/bin/env python3
"""Write the labelled story corpora corpus.jsonl (held-out test) and dev.jsonl (development).

Plain python3, no dependencies, deterministic: running it twice writes byte-identical files.

    python3 tests/data/stories/make_corpus.py            # write both files, check them, print stats
    python3 tests/data/stories/make_corpus.py --check    # check the files on disk only

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
UTC = dt.timezone.utc
TWEPOCH = 1288834974657

# The Horan Free League Telegram channel's name in the repository's sources.toml.
HORAN_TG = "horan-free-league-telegram"

# ----------------------------------------------------------------------------------------------
# Sources (the "source" field is a sources.toml name) and the accounts they publish as.
# ----------------------------------------------------------------------------------------------

ACCOUNTS = {
    "daraa24-telegram": dict(platform="telegram", channel="daraa24", author="درعا 24 | Daraa 24",
                             handle="daraa24", fmt="tg"),
    "daraa24-x": dict(platform="x", handle="Daraa24_24", author="Daraa 24 – 24 درعا", fmt="rfc_gmt"),
    "daraa24-site": dict(platform="web", base="https://daraa24.org/archives/", author="درعا 24",
                         fmt="rfc_local"),
    HORAN_TG: dict(platform="telegram", channel="ahrarhoran", author="تجمع أحرار حوران",
                   handle="ahrarhoran", fmt="tg"),
    "horan-free-league": dict(platform="web", base="https://www.ahrarhoran.net/archives/",
                              author="تجمع أحرار حوران", fmt="rfc_local"),
    "suwayda24-telegram": dict(platform="telegram", channel="suwayda24",
                               author="السويداء 24 | Suwayda 24", handle="suwayda24", fmt="tg"),
    "suwayda24-facebook": dict(platform="facebook", page="suwayda24", author="السويداء 24",
                               handle="suwayda24", fmt="fb"),
    # an X account seen only through embeds in Enab Baladi articles (not a crawled source)
    "suwayda24-x": dict(platform="x", handle="Suwayda24", author="السويداء 24 - Suwayda 24",
                        fmt="embed_date"),
    "enab-baladi": dict(platform="web", base="https://www.enabbaladi.net/archives/",
                        author="عنب بلدي", fmt="iso_local"),
    "sohr": dict(platform="web", base="https://www.syriahr.com/", author="المرصد السوري لحقوق الإنسان",
                 fmt="rfc_utc"),
    "sohr-en": dict(platform="web", base="https://www.syriahr.com/en/",
                    author="SOHR", fmt="rfc_utc"),
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
CRAWL = {
    "daraa24-telegram": (120, 50),
    "daraa24-x": (90, 20),
    "daraa24-site": (360, 100),
    HORAN_TG: (120, 15),
    "horan-free-league": (720, 200),
    "suwayda24-telegram": (120, 95),
    "suwayda24-facebook": (180, 30),
    "enab-baladi": (240, 130),
    "sohr": (180, 70),
    "sohr-en": (360, 300),
}
# Tie-break when two crawls land on the same minute.
SOURCE_ORDER = list(CRAWL)

MARKERS = [  # (substring, link type), checked in this order: correction > update > follow_up
    ("تصحيح", "correction"), ("Correction:", "correction"),
    ("عاجل | تحديث", "update"), ("تحديث", "update"), ("Update:", "update"), ("UPDATE", "update"),
    ("ارتفاع حصيلة", "update"), ("ارتفعت حصيلة", "update"),
    ("متابعة للخبر السابق", "follow_up"), ("متابعة |", "follow_up"),
    ("كما أوردنا", "follow_up"), ("خبرنا السابق", "follow_up"),
]

AR_DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
AR_MONTHS = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول"]
EN_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EN_MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
DATE_ONLY = {"ar_date_indic", "embed_date"}
MINUTE_ONLY = {"ar_long", "ar_long_comma"}


def h(s: str, mod: int) -> int:
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % mod


def local(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s).replace(tzinfo=DAMASCUS)


def fmt_published(t: dt.datetime, fmt: str) -> str:
    u, l = t.astimezone(UTC), t.astimezone(DAMASCUS)
    if fmt == "tg":  # Telegram <time datetime>, UTC
        return u.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if fmt == "iso_z":
        return u.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if fmt == "fb":
        return u.strftime("%Y-%m-%dT%H:%M:%SZ")
    if fmt == "rfc_gmt":
        return f"{EN_DAYS[u.weekday()]}, {u.day:02d} {EN_MONTHS[u.month-1]} {u:%Y %H:%M:%S} GMT"
    if fmt == "rfc_utc":
        return f"{EN_DAYS[u.weekday()]}, {u.day:02d} {EN_MONTHS[u.month-1]} {u:%Y %H:%M:%S} +0000"
    if fmt == "rfc_local":
        return f"{EN_DAYS[l.weekday()]}, {l.day:02d} {EN_MONTHS[l.month-1]} {l:%Y %H:%M:%S} +0300"
    if fmt == "iso_local":
        return l.strftime("%Y-%m-%dT%H:%M:%S+03:00")
    if fmt == "iso_naive":  # no offset: the source's timezone (Asia/Damascus) applies
        return l.strftime("%Y-%m-%dT%H:%M:%S")
    if fmt == "ar_long":
        return f"{AR_DAYS[l.weekday()]} {l.day} {AR_MONTHS[l.month-1]} {l.year} - {l:%H:%M}"
    if fmt == "ar_long_comma":
        return f"{AR_DAYS[l.weekday()]}، {l.day} {AR_MONTHS[l.month-1]} {l.year} {l:%H:%M}"
    if fmt == "ar_date_indic":
        return f"{l.day} {AR_MONTHS[l.month-1]} {l.year}".translate(INDIC)
    if fmt == "embed_date":  # what a twitter embed shows
        return f"{EN_MONTHS_LONG[u.month-1]} {u.day}, {u.year}"
    raise ValueError(fmt)


def parse_published(s: str):
    """Independent re-parse used by check(): returns (datetime or date, precision)."""
    s2 = s.translate(WESTERN)
    m = re.fullmatch(r"\w{3}, (\d\d) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d) (GMT|[+-]\d{4})", s2)
    if m:
        d, mon, y, H, M, S, z = m.groups()
        off = 0 if z == "GMT" else (int(z[1:3]) * 60 + int(z[3:])) * (1 if z[0] == "+" else -1)
        return dt.datetime(int(y), EN_MONTHS.index(mon) + 1, int(d), int(H), int(M), int(S),
                           tzinfo=dt.timezone(dt.timedelta(minutes=off))), "s"
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", s2)
    if m:
        t = dt.datetime.fromisoformat(m.group(1))
        z = m.group(3)
        tz = DAMASCUS if z is None else UTC if z == "Z" else dt.timezone(
            dt.timedelta(hours=int(z[1:3]), minutes=int(z[4:])) * (1 if z[0] == "+" else -1))
        return t.replace(tzinfo=tz), "s"
    for mname in AR_MONTHS:
        m = re.fullmatch(r"(?:\S+،? )?(\d{1,2}) " + mname + r" (\d{4})(?: -)?(?: (\d\d):(\d\d))?", s2)
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
DIACRITICS = re.compile("[\u064B-\u0652]")


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
            for a, b in zip(args[0::2], args[1::2]):
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
            text = text[len(args[0]):]
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

    def post(self, key, src, when, story, text, *, title=None, acct=None, copy_of=None,
             reply_to=None, links=(), ext_links=(), embeds=(), forwarded_from=None, media=None,
             fmt=None, pin_id=None, arrive=None, lang=None, author=None, url=None):
        assert key not in self.posts, key
        acct = acct or src
        spec = ACCOUNTS[acct]
        fmt = fmt or spec["fmt"]
        t = local(when) if len(when) > 16 else local(when + ":00")
        if len(when) <= 16 and fmt not in MINUTE_ONLY and fmt not in DATE_ONLY \
                and spec["platform"] != "web":
            t = t.replace(second=7 + h(key, 50))
        p = dict(key=key, src=src, acct=acct, t=t, story=story, text=text.strip("\n"),
                 title=title, copy_of=copy_of, reply_to=reply_to, links=list(links),
                 ext_links=list(ext_links), embeds=list(embeds), forwarded_from=forwarded_from,
                 media=media, fmt=fmt, pin_id=pin_id, arrive=local(arrive) if arrive else None,
                 lang=lang, author=author, url=url, embedded_in=None, sightings=[])
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
                series = spec.get("channel") or ("suwayda24-fb" if plat == "facebook" else p["acct"])
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
                rows.append(((a["arr"], SOURCE_ORDER.index(a["src"]), a["t"], 1 + i, key), key, art))
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
                "forwarded_from_url": posts[p["forwarded_from"]]["url"] if p["forwarded_from"] else None,
                "embedded_in_url": posts[art]["url"] if art else None,
                "links": [posts[k]["url"] for k in p["links"]] + list(p["ext_links"]),
                "title": p["title"],
                "collected_at": arr.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            if p["media"]:
                rec["media"] = p["media"]
            if p["lang"]:
                rec["lang"] = p["lang"]
            rec.update({
                "gold_thread": p["story"],
                "gold_duplicate_of": posts[p["dup"]]["url"] if p["dup"] else None,
                "gold_follows_up": posts[p["fu"]]["url"] if p["fu"] else None,
                "gold_link_type": p["ltype"],
            })
            out.append(rec)
        return out

    def build(self):
        self.assign_urls()
        self.label()
        return self.lines()


def photos(key, n=1, kind="photo"):
    return [{"type": kind, "url": f"https://cdn4.telesco.pe/file/{hashlib.md5((key + str(i)).encode()).hexdigest()}.jpg"}
            for i in range(n)]


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
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
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
                errors.append(f"line {i+1}: missing {f}")
        if r["platform"] == "web" and not r["title"]:
            errors.append(f"line {i+1}: web item without title")
        d, fu, lt = r["gold_duplicate_of"], r["gold_follows_up"], r["gold_link_type"]
        if (fu is None) != (lt is None):
            errors.append(f"line {i+1}: follows_up/link_type mismatch")
        if lt is not None and lt not in ("reply", "update", "correction", "follow_up"):
            errors.append(f"line {i+1}: bad link type {lt}")
        for what, tgt in (("duplicate_of", d), ("follows_up", fu)):
            if tgt is None:
                continue
            if tgt not in by_url or tgt == r["url"]:
                errors.append(f"line {i+1}: {what} target not another post: {tgt}")
                continue
            t0 = rows[first[tgt]]
            if t0["gold_duplicate_of"]:
                errors.append(f"line {i+1}: {what} target is a copy: {tgt}")
            if t0["gold_thread"] != r["gold_thread"]:
                errors.append(f"line {i+1}: {what} target in another story")
            if not instant(tgt) < instant(r["url"]):
                errors.append(f"line {i+1}: {what} target not earlier: {tgt}")
            if first[tgt] > i:
                ooo.append((i + 1, what, r["url"], tgt))
        if r["reply_to_url"] and fu != r["reply_to_url"]:
            errors.append(f"line {i+1}: reply but follows_up is not the replied-to post")
        if fu and lt == "reply" and not r["reply_to_url"]:
            errors.append(f"line {i+1}: link type reply without reply_to_url")
        # date-only published values must not decide an order within their day
        if when[r["url"]][1] == "d":
            for tgt in (d, fu):
                if tgt and when[tgt][1] == "s" and instant(tgt).astimezone(DAMASCUS).date() \
                        == when[r["url"]][0]:
                    errors.append(f"line {i+1}: date-only post has a same-day target")
        if lt:
            kinds[lt] += 1
    # posts whose target is a date-only post on the same day
    for i, r in enumerate(rows):
        for tgt in (r["gold_duplicate_of"], r["gold_follows_up"]):
            if tgt and when[tgt][1] == "d" and instant(r["url"]).astimezone(DAMASCUS).date() == when[tgt][0]:
                errors.append(f"line {i+1}: target is a date-only post of the same day")
    n_lines = len(rows)
    distinct = len(by_url)
    stories = Counter(rows[ix[0]]["gold_thread"] for ix in by_url.values())
    copies = sum(1 for r in rows if r["gold_duplicate_of"])
    fus = sum(1 for r in rows if r["gold_follows_up"])
    english = sum(1 for r in rows if not re.search("[\u0600-\u06FF]", r["text"] + (r["title"] or "")))
    stats = dict(
        lines=n_lines, distinct_posts=distinct, stories=len(stories),
        lone_stories=sum(1 for c in stories.values() if c == 1),
        sources=len({r["source"] for r in rows}),
        source_list=dict(sorted(Counter(r["source"] for r in rows).items())),
        platforms=dict(sorted(Counter(r["platform"] for r in rows).items())),
        copies=copies, copies_pct=round(100 * copies / n_lines, 1),
        follow_ups=fus, follow_ups_pct=round(100 * fus / n_lines, 1),
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
        if not 15 <= stats["follow_ups_pct"] <= 30:
            errors.append("follow-ups outside 15-30%")
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


def main(argv):
    targets = [("corpus.jsonl", corpus_posts, 160, 15, True), ("dev.jsonl", dev_posts, 70, 8, False)]
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
    'بعد أيام من حصار مدينة جاسم بريف درعا الشمالي من قبل قوات النظام، كشفت مصادر محلية عن عودة الحياة إلى طبيعتها، اليوم الأربعاء، بموجب اتفاق بين قياديين محليين وأجهزة النظام الأمنية.\n'
    'ووفق المصادر، تم فتح الطرقات الرئيسية في المدينة والسماح للأهالي بالدخول والخروج، بعد انسحاب قوات الأسد من الأحياء التي انتشرت فيها خلال اليومين الماضيين.\n'
    'وتضمن الاتفاق دخول قوات الأسد إلى مزارع جاسم وإجراء عمليات تفتيش فيها، ثم الانسحاب كلياً من المدينة.\n'
    'ونشرت مراصد محلية مقاطع مصورة أثناء انسحاب قوات النظام من المدينة، بعد إجراء عمليات التفتيش، برفقة طائرات الاستطلاع.\n'
    'وسبق الانسحاب انتشار جزئي لقوات النظام في أحياء المدينة استمر لساعات قليلة.\n'
    'ما الذي حققه النظام؟\n'
    'وكانت أجهزة النظام الأمنية أخلت مواقعها العسكرية داخل مدينة جاسم، السبت الماضي، وفرضت حصاراً عليها عبر إغلاق الطرقات الرئيسية، ومنع السكان من الدخول إليها والخروج منها.\n'
    'وشمل ذلك إخلاء “مخفر” المدينة بالكامل، فيما لم تتمكن عناصر الأمن العسكري من الخروج من المركز الثقافي، لأن أبناء المدينة لم يسمحوا لهم بالمغادرة وأجبروهم على العودة إلى داخل المركز.\n'
    'وقبل الحديث عن أي اتفاق، طالب ضباط النظام وفد مدينة جاسم المفاوض بإخراج عناصر الأمن العسكري المحاصرين داخل المركز الثقافي.\n'
    'وفيما لم تعرف مطالب النظام من هذا التصعيد حتى اليوم، يتوقع الأهالي استخدام ضباطه ذرائع قديمة، مثل وجود التنظيمات “الإرهابية” في المدينة لمحاولة اجتياحها.\n'
    'لكن الاتفاق لم يتطرق إلى تسليم أي شخص من المطلوبين لأجهزة النظام، باستثناء فك الحصار عن عناصره الموجودين في المركز الثقافي.\n'
    'وتأتي تلك التطورات عقب أيام من استهداف سيارة لفرع أمن الدولة من نوع “هايلوكس” بعبوة ناسفة على طريق إنخل – جاسم، ما أدى لمقتل 4 عناصر وإصابة اثنين آخرين.\n'
    'وزادت وتيرة استهداف قوات النظام في مدينة جاسم من قبل مسلحين محليين، بعد شكاوى من الأهالي بارتكاب تلك القوات انتهاكات، تتعلق بفرض الإتاوات وتنفيذ عمليات اعتقال واغتيال بحق أبناء المدينة.\n'
    'يشار إلى أن اللواء في قوات الأسد، مفيد الحسن، لعب دوراً في المفاوضات الأخيرة التي أفضت لاتفاق مع وجهاء مدينة جاسم.\n'
    'ويشغل الحسن منصب رئيس اللجنة الأمنية في درعا، وهو مسؤول أيضاً عن كامل مناطق الجنوب السوري.'
)
SEED_TWEET_TEXT = (
    'متابعة للخبر السابق:\n'
    'انسحاب الجيش من مدينة جاسم في الريف الشمالي من محافظة درعا، بعد انتشاره في بعض الطرقات لمدة قليلة كما أوردنا في خبرنا السابق، وما زالت طائرة الاستطلاع تحوم في سماء المدينة، ولا أنباء مؤكدة عن فتح الطرقات حتى كتابة هذا الخبر.#جاسم #الجيش #الفصائل_المحلية… pic.twitter.com/zhxoSINsLo'
)

#@@DATA@@

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
