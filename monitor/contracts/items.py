"""The record contracts between spiders, the engine, the store and outside tools.

Spiders yield `RawItem`s; the normalise stage turns each into a `PostRecord` with exactly its
keys, in that order. The JSON Schemas in `schema/` describe the same records for readers of
the change logs; `tests/test_contracts.py` checks that the two say the same.
"""

from typing import Any, Literal, NotRequired, Required, TypedDict, get_args

Platform = Literal["web", "telegram", "x", "facebook"]
LinkType = Literal["follow_up", "update", "correction", "reply"]
ThreadStatus = Literal["open", "closed", "merged"]
PLATFORMS: tuple[str, ...] = get_args(Platform)
LINK_TYPES: tuple[str, ...] = get_args(LinkType)


class ParsedPost(TypedDict, total=False):
    """What a page parser finds of a post: a raw item but for its source, which the spider
    adds (`SourceReader.raw_item`)."""

    platform: Required[str]
    url: Required[str]
    text: Required[str]
    title: str | None
    author: str | None
    author_handle: str | None
    published: str | None  # as found: ISO 8601, RFC 822 or Arabic text
    collected_at: str | None
    reply_to_url: str | None
    forwarded_from_url: str | None
    embedded_in_url: str | None
    links: list[str]
    media: list[dict[str, Any]]  # {"type": "photo"|"video"|..., "url": str, ...}
    lang: str | None
    views: int | None
    link_previews: list[dict[str, Any]]  # {"url", "site_name", "title", "description"}
    timezone: str | None  # the source's timezone, for dates given without an offset


class RawItem(ParsedPost, total=False):
    """What a spider yields and `monitor replay` reads: the post as found."""

    source: Required[str]


class PostRecord(TypedDict):
    """A stored post, as `monitor/contracts/schema/post.schema.json` describes it."""

    schema_version: int
    id: str
    url: str
    source: str
    platform: Platform
    author: str | None
    author_handle: str | None
    title: str | None
    text: str
    lang: str | None
    published_at: str | None
    published_raw: str | None
    collected_at: str
    hashtags: list[str]
    mentions: list[str]
    links: list[str]
    media: list[dict[str, Any]]
    views: int | None
    link_previews: list[dict[str, Any]]
    places: list[str]
    reply_to: str | None
    embedded_in: str | None
    forwarded_from: str | None
    thread_id: str | None
    thread_evidence: dict[str, Any] | None
    duplicate_of: str | None
    duplicate_evidence: dict[str, Any] | None
    follows_up: str | None
    link_type: LinkType | None
    link_evidence: str | None
    revision: int


class ThreadRecord(TypedDict):
    """A thread's line in the change log (`export/threads.jsonl`) and in the store
    (`monitor/contracts/schema/thread.schema.json`). From schema version 2 it names no posts:
    each post's `thread_id` says where it is, and a post that moves gets a new revision, so a
    long story writes lines of a constant size. `revision` is None until the store numbers it."""

    schema_version: int
    thread_id: str
    title: str | None
    first_seen: str
    last_seen: str
    post_count: int
    sources: list[str]
    places: list[str]
    hashtags: list[str]
    status: ThreadStatus
    merged_into: str | None
    revision: int | None


class SnapshotThread(ThreadRecord):
    """A thread in a snapshot (`monitor export --threads`): its posts too."""

    post_ids: NotRequired[list[str]]


RAW_FIELDS: tuple[str, ...] = ("source", *ParsedPost.__annotations__)
RAW_REQUIRED: tuple[str, ...] = tuple(f for f in RAW_FIELDS if f in RawItem.__required_keys__)

POST_FIELDS: tuple[str, ...] = tuple(PostRecord.__annotations__)

# Fields that say when or how we saw a post, not what it says: a change in them alone is not a
# new revision.
VOLATILE_FIELDS = frozenset({"collected_at", "revision", "views"})

THREAD_FIELDS: tuple[str, ...] = tuple(ThreadRecord.__annotations__)
# A thread in a snapshot (`monitor export --threads`): its posts too.
SNAPSHOT_THREAD_FIELDS = (*THREAD_FIELDS[:6], "post_ids", *THREAD_FIELDS[6:])
