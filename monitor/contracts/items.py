"""The item contracts between spiders, the engine and the export (see the README and
monitor/schema).

Spiders yield plain dicts with the RAW_FIELDS keys; the normalise stage turns each into a
post record with exactly the POST_FIELDS keys, in that order.
"""

from __future__ import annotations

from typing import Any

RawItem = dict[str, Any]
PostRecord = dict[str, Any]
ThreadRecord = dict[str, Any]

PLATFORMS = ("web", "telegram", "x", "facebook")
LINK_TYPES = ("follow_up", "update", "correction", "reply")

RAW_REQUIRED = ("source", "platform", "url", "text")
RAW_OPTIONAL = (
    "title",
    "author",
    "author_handle",
    "published",  # as found: ISO 8601, RFC 822 or Arabic text
    "collected_at",
    "reply_to_url",
    "forwarded_from_url",
    "embedded_in_url",
    "links",
    "media",  # list of {"type": "photo"|"video"|..., "url": str, ...}
    "lang",
    "views",
    "link_previews",  # list of {"url", "site_name", "title", "description"}
    "timezone",  # the source's timezone, for dates given without an offset
)
RAW_FIELDS = RAW_REQUIRED + RAW_OPTIONAL

POST_FIELDS = (
    "schema_version",
    "id",
    "url",
    "source",
    "platform",
    "author",
    "author_handle",
    "title",
    "text",
    "lang",
    "published_at",
    "published_raw",
    "collected_at",
    "hashtags",
    "mentions",
    "links",
    "media",
    "views",
    "link_previews",
    "places",
    "reply_to",
    "embedded_in",
    "forwarded_from",
    "thread_id",
    "thread_evidence",
    "duplicate_of",
    "duplicate_evidence",
    "follows_up",
    "link_type",
    "link_evidence",
    "revision",
)

# Fields that say when or how we saw a post, not what it says: a change in them alone is not a
# new revision.
VOLATILE_FIELDS = frozenset({"collected_at", "revision", "views"})

# A thread's line in the change log (`export/threads.jsonl`) and in the store. From schema
# version 2 it names no posts: each post's `thread_id` says where it is, and a post that moves
# gets a new revision, so a long story writes lines of a constant size.
THREAD_FIELDS = (
    "schema_version",
    "thread_id",
    "title",
    "first_seen",
    "last_seen",
    "post_count",
    "sources",
    "places",
    "hashtags",
    "status",
    "merged_into",
    "revision",
)
# A thread in a snapshot (`monitor export --threads`): its posts too.
SNAPSHOT_THREAD_FIELDS = (*THREAD_FIELDS[:6], "post_ids", *THREAD_FIELDS[6:])
