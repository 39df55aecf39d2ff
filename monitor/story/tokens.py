"""Terms of a matching text, for the thread index: light Arabic stems, English words, and
concepts that an Arabic post and an English report of the same story share.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import lru_cache
from itertools import chain, islice

from monitor import PACKAGE_DATA
from monitor.normalize.matching import fold

DATA = PACKAGE_DATA

# Folded forms (no hamza, ه for ة, ي for ى): matching text is folded before it is split.
ARABIC_STOPWORDS = frozenset(
    fold(word)
    for word in """
    في من الى إلى على عن مع بعد قبل حتى منذ خلال بين ضد عبر نحو لدى عند تحت فوق دون
    و او أو ثم بل لكن كما اذا إذا ان أن إن كان كانت يكون تكون قد لقد لم لن لا ما ماذا
    هذا هذه ذلك تلك هؤلاء الذي التي الذين اللذين هو هي هم هن انه أنه انها أنها له لها لهم
    كل بعض اي أي غير سوى ايضا أيضا فقط وقد وكان وكانت حيث اليوم امس أمس مساء صباح فجر
    عاجل خاص هام متابعة تحديث وفق وسط اثر إثر جراء بسبب عدد عدة نحو حوالي قرابة اكثر أكثر
    اخرى أخرى الاخرى آخر اخر الماضي الماضية الحالي الجاري يوم ساعة ساعات دقائق
    مدينة بلدة قرية ريف محافظة منطقة بريف بمدينة ببلدة بقرية الريف الشمالي الجنوبي الشرقي الغربي
    الأوسط الاوسط شمال جنوب شرق غرب شمالي جنوبي شرقي غربي
    """.split()
)
ENGLISH_STOPWORDS = frozenset(
    """a an the of in on at to from by for with and or but is are was were be been has have had
    it its this that these those as after before during over under into about against near
    update breaking urgent exclusive via source reports reported report said says today
    yesterday city town village countryside province governorate northern southern eastern
    western north south east west rural""".split()
)
_PREFIXES = ("وبال", "فبال", "وال", "بال", "كال", "فال", "ولل", "لل", "ال", "و", "ف", "ب", "ل")
_SUFFIXES = ("هما", "كما", "ات", "ون", "ين", "ان", "ها", "هم", "يه", "ه", "ي")
_ARABIC = re.compile(r"[\u0621-\u064a]")


def stem(word: str) -> str:
    """A light stem: clitics and the commonest suffixes off, never below three letters."""
    if not _ARABIC.match(word):
        return _english_stem(word)
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _english_stem(word: str) -> str:
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word


def _lexicon_rows() -> list[dict[str, str]]:
    with (DATA / "lexicon.tsv").open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, str]:
    """Stem → concept, from `data/lexicon.tsv` (concept, family, Arabic words, English words)."""
    concepts: dict[str, str] = {}
    for row in _lexicon_rows():
        for word in (row["arabic"] + " " + row["english"]).replace("|", " ").split():
            concepts.setdefault(stem(fold(word.lower())), row["concept"])
    return concepts


@lru_cache(maxsize=1)
def concept_terms() -> frozenset[str]:
    """Every concept term (`c:siege`) a post can carry."""
    return frozenset("c:" + concept for concept in set(lexicon().values()))


@lru_cache(maxsize=1)
def families() -> dict[str, str]:
    """Concept term (`c:siege`) → the kind of event it names (`confrontation`)."""
    return {"c:" + row["concept"]: row["family"] for row in _lexicon_rows() if row["family"]}


def event_families(post_terms: list[str]) -> list[str]:
    """The kinds of event a post's terms name, each once."""
    table = families()
    return list(dict.fromkeys(map(table.__getitem__, filter(table.__contains__, post_terms))))


# Words that deny, refuse or negate what the rest of a sentence says: one of them added or
# dropped turns a report into its opposite ("يصادق على القانون" / "يرفض القانون").
NEGATIONS = frozenset(
    fold(word) for word in """لا لم لن ليس ليست غير عدم دون بدون not no never without""".split()
)
NEGATING_STEMS = frozenset(
    stem(fold(word))
    for word in """ينفي تنفي نفى نفي ينفون يرفض ترفض رفض رفضت يرفضون فشل فشلت يفشل تفشل إخفاق
    ينكر تنكر يكذب تكذب تكذيب deny denies denied reject rejects refuse refuses fail fails failed
    """.split()
)
NEGATION = "¬"  # stands for a negation word in `fact_words`


def fact_words(matching: str, limit: int) -> list[str]:
    """The content words of a matching text, in order, as stems, each negation word as
    `NEGATION`: what two texts must share for one to be a copy of the other (a changed place,
    name or verb is a changed fact)."""
    found = chain.from_iterable(map(_FACT_WORDS.__getitem__, matching.split()))
    return list(islice(found, limit))


def _word_terms(word: str) -> tuple[str, ...]:
    """What one word of matching text adds: nothing (a stop word, a number), its stem, or
    its stem and its concept."""
    if len(word) < 2 or word.isdigit() or word in ARABIC_STOPWORDS or word in ENGLISH_STOPWORDS:
        return ()
    stemmed = stem(word)
    concept = lexicon().get(stemmed)
    return (stemmed, "c:" + concept) if concept else (stemmed,)


class _PerWord(dict[str, tuple[str, ...]]):
    """Word → what a function makes of it, worked out once per word: a post's words are then
    looked up by `map` at C speed, where a Python loop over them cost more than the rest of
    the thread stage. Cleared when it grows past `LIMIT` words, so memory stays bounded."""

    LIMIT = 300_000

    def __init__(self, function: Callable[[str], tuple[str, ...]]):
        super().__init__()
        self.function = function

    def __missing__(self, word: str) -> tuple[str, ...]:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[word] = self.function(word)
        return value


_WORD_TERMS = _PerWord(_word_terms)


# word → its stem, `NEGATION`, or nothing (see `fact_words`)
_FACT_WORDS = _PerWord(lambda word: (NEGATION,) if word in NEGATIONS else _WORD_TERMS[word][:1])


def terms(matching: str, limit: int = 10_000) -> list[str]:
    """Stems of the content words, each followed by its concept (`c:siege`) when it has one;
    at most `limit` of them (an article's opening says what it is about)."""
    found = chain.from_iterable(map(_WORD_TERMS.__getitem__, matching.split()))
    return list(islice(found, limit))
