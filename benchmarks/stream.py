"""A synthetic stream of raw items for the replay benchmark: Arabic-like text in stories,
across sources and platforms, with copies, follow-ups and replies, in arrival order.

    python benchmarks/stream.py 100000 > stream.jsonl

Deterministic for a given size and seed. The text is not Arabic prose, but it has what the
engine's cost depends on: Arabic letters with diacritics and hamza forms, place names from the
gazetteer, hashtags, a Zipf vocabulary, and posts of realistic lengths.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta

import orjson

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
MARKS = "\u064e\u064f\u0650\u0651\u0652"
PLACES = [
    "جاسم",
    "طفس",
    "نوى",
    "إنخل",
    "الصنمين",
    "بصر الحرير",
    "درعا البلد",
    "داعل",
    "الحراك",
    "المزيريب",
    "اليادودة",
    "الشيخ مسكين",
    "شهبا",
    "صلخد",
    "القريا",
    "المسيفرة",
    "ساحة الكرامة",
    "خان أرنبة",
    "جديدة عرطوز",
    "دوما",
    "حرستا",
    "التل",
    "السويداء",
    "بصرى الشام",
    "إزرع",
]
MARKERS = ["متابعة للخبر السابق:", "تحديث:", "عاجل | تحديث:", "ارتفاع حصيلة", "تصحيح:", "Update:"]
CREDITS = ["(درعا 24)", "(السويداء 24)", "المصدر: تجمع أحرار حوران", "(عنب بلدي)"]
# (name, platform, URL pattern, share of the stream): observatories post many short
# Telegram and X reports for each website article.
SOURCES = [
    ("daraa24-telegram", "telegram", "https://t.me/daraa24/{n}", 0.25),
    ("suwayda24-telegram", "telegram", "https://t.me/suwayda24/{n}", 0.20),
    ("horan-telegram", "telegram", "https://t.me/ahrarhoran/{n}", 0.15),
    ("daraa24-x", "x", "https://x.com/Daraa24_24/status/{n}", 0.12),
    ("suwayda24-x", "x", "https://x.com/Suwayda24/status/{n}", 0.08),
    ("suwayda24-facebook", "facebook", "https://www.facebook.com/suwayda24/posts/{n}", 0.08),
    ("daraa24-site", "web", "https://daraa24.org/archives/{n}", 0.05),
    ("enab-baladi", "web", "https://www.enabbaladi.net/archives/{n}", 0.04),
    ("sohr", "web", "https://www.syriahr.com/{n}/", 0.03),
]


class Stream:
    def __init__(self, size: int, seed: int = 2023):
        self.size = size
        self.random = random.Random(seed)
        self.vocabulary = [self.word() for _ in range(20000)]
        self.weights = [1.0 / (rank + 1) for rank in range(len(self.vocabulary))]
        self.counter = 100000
        self.start = datetime(2023, 1, 1, tzinfo=UTC)
        # about 1,500 posts a day, as a busy year of a few dozen observatories
        self.seconds_per_post = 86400 / 1500
        self.recent: list[dict] = []

    def word(self) -> str:
        letters = "".join(self.random.choice(LETTERS) for _ in range(self.random.randint(3, 7)))
        if self.random.random() < 0.3:
            letters = "ال" + letters
        if self.random.random() < 0.1:
            letters = letters.replace("ا", "أ", 1)
        return letters

    def text(self, story: dict, length: int) -> str:
        words = self.random.choices(self.vocabulary, self.weights, k=length)
        for _ in range(max(2, length // 5)):
            words[self.random.randrange(length)] = self.random.choice(story["words"])
        words.insert(self.random.randrange(length), story["place"])
        if self.random.random() < 0.2:
            i = self.random.randrange(length)
            words[i] = "".join(
                c + (self.random.choice(MARKS) if self.random.random() < 0.3 else "")
                for c in words[i]
            )
        tags = " ".join("#" + tag.replace(" ", "_") for tag in story["tags"])
        return " ".join(words) + "\n" + tags

    def story(self, now: datetime) -> dict:
        return {
            "id": self.random.randrange(10**9),
            "place": self.random.choice(PLACES),
            "words": [self.random.choice(self.vocabulary[2000:]) for _ in range(12)],
            "tags": [self.random.choice(PLACES), self.random.choice(self.vocabulary[500:3000])],
            "until": now + timedelta(days=self.random.uniform(0.2, 6)),
        }

    def items(self):
        stories: list[dict] = []
        now = self.start
        for _ in range(self.size):
            now += timedelta(seconds=self.random.expovariate(1 / self.seconds_per_post))
            stories = [s for s in stories if s["until"] > now]
            if len(stories) < 40 or self.random.random() < 0.05:
                stories.append(self.story(now))
            roll = self.random.random()
            if roll < 0.15 and self.recent:
                item = self.copy(self.random.choice(self.recent[-300:]), now)
            else:
                story = self.random.choice(stories)
                item = self.post(story, now)
                if roll < 0.30:
                    item["text"] = self.random.choice(MARKERS) + " " + item["text"]
                elif roll < 0.35 and self.recent:
                    parent = self.random.choice(self.recent[-50:])
                    if parent["platform"] == "telegram":
                        item["reply_to_url"] = parent["url"]
            self.recent.append(item)
            if len(self.recent) > 2000:
                del self.recent[:1000]
            yield item

    def source(self) -> tuple[str, str, str]:
        name, platform, pattern, _ = self.random.choices(SOURCES, [s[3] for s in SOURCES])[0]
        return name, platform, pattern

    def post(self, story: dict, now: datetime) -> dict:
        source, platform, pattern = self.source()
        self.counter += 1
        length = self.random.randint(15, 45) if platform != "web" else self.random.randint(120, 400)
        item = {
            "source": source,
            "platform": platform,
            "url": pattern.format(n=self.counter),
            "text": self.text(story, length),
            "published": now.isoformat(),
            "collected_at": (now + timedelta(minutes=self.random.randint(1, 90))).isoformat(),
        }
        if platform == "web":
            item["title"] = " ".join(self.random.choices(story["words"] + [story["place"]], k=8))
        return item

    def copy(self, original: dict, now: datetime) -> dict:
        source, platform, pattern = self.source()
        self.counter += 1
        text = original["text"]
        if self.random.random() < 0.5:
            text = text + " " + self.random.choice(CREDITS)
        if self.random.random() < 0.3:
            text = "عـاجـل | " + text
        return {
            "source": source,
            "platform": platform,
            "url": pattern.format(n=self.counter),
            "text": text,
            "published": now.isoformat(),
            "collected_at": now.isoformat(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("size", type=int, nargs="?", default=10_000, help="posts (10,000)")
    size = parser.parse_args().size
    out = sys.stdout.buffer
    for item in Stream(size).items():
        out.write(orjson.dumps(item) + b"\n")


if __name__ == "__main__":
    main()
