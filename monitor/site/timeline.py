"""One thread as a reader follows it: its reports in publication order, each copy folded
under the report it repeats, each follow-up pointing at the report it continues."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from monitor.contracts.items import PostRecord
from monitor.normalize.dates import post_instant
from monitor.site.direction import Direction, direction
from monitor.site.labels import link_type_label, platform_label
from monitor.site.richtext import rich_text, safe_url
from monitor.site.times import When, when

# A post the timeline does not hold, looked up by id (in the store).
Lookup = Callable[[str], PostRecord | None]
# The page of a thread, relative to another thread's page, or None if it has none.
PageOf = Callable[[str], str | None]
LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Target:
    """Where a link to another post goes (`href` None: nowhere to go) and how it reads."""

    href: str | None
    label: str


@dataclass(frozen=True)
class FollowUp:
    link_type: str
    label: str  # "follow-up", "update", "correction", "reply"
    target: Target
    evidence: str | None


@dataclass(frozen=True)
class Evidence:
    summary: str
    details: str  # the whole decision, as indented JSON


@dataclass(frozen=True)
class Media:
    href: str
    label: str


@dataclass
class PostView:
    post: PostRecord
    anchor: str
    moment: datetime
    when: When
    dated: bool  # False: no publication time, `when` is when it was collected
    platform: str
    title: Markup | None
    title_dir: Direction
    text: Markup
    text_dir: Direction
    url: str | None
    media: list[Media]
    follow: FollowUp | None = None
    copy_of: Target | None = None  # a copy whose original is not on this page
    copies: list[PostView] = field(default_factory=list)
    thread_evidence: Evidence | None = None
    duplicate_evidence: Evidence | None = None


def timeline(
    posts: Sequence[PostRecord], tz: ZoneInfo, lookup: Lookup, page_of: PageOf
) -> list[PostView]:
    """The thread's reports oldest first by the instant (whatever offset each was stored
    with), ties by id; copies under their originals, also oldest first."""
    views = {post["id"]: _view(post, tz) for post in posts}
    by_id = {post["id"]: post for post in posts}
    entries: list[PostView] = []
    for post in sorted(posts, key=lambda p: (views[p["id"]].moment, p["id"])):
        view = views[post["id"]]
        original = _original(post, by_id)
        if original is not None:
            views[original].copies.append(view)
        else:
            entries.append(view)
            if post.get("duplicate_of"):
                view.copy_of = _target(post["duplicate_of"] or "", views, lookup, page_of, tz)
    for view in views.values():
        target = view.post.get("follows_up")
        if target:
            view.follow = FollowUp(
                link_type=view.post.get("link_type") or "follow_up",
                label=link_type_label(view.post.get("link_type")),
                target=_target(target, views, lookup, page_of, tz),
                evidence=view.post.get("link_evidence"),
            )
    return entries


def _original(post: PostRecord, by_id: dict[str, PostRecord]) -> str | None:
    """The report on this page that the post copies (through a chain of copies, should the
    store hold one), or None when it is no copy or its original is elsewhere."""
    seen = {post["id"]}
    current = post.get("duplicate_of")
    while current and current in by_id and current not in seen:
        seen.add(current)
        upstream = by_id[current].get("duplicate_of")
        if not upstream:
            return current
        current = upstream
    return None


def _target(
    post_id: str, views: dict[str, PostView], lookup: Lookup, page_of: PageOf, tz: ZoneInfo
) -> Target:
    view = views.get(post_id)
    if view is not None:
        return Target(f"#{view.anchor}", _describe(view.post, tz))
    post = lookup(post_id)
    if post is None:
        return Target(None, f"post {post_id} (not collected)")
    thread_id = post.get("thread_id")
    page = page_of(thread_id) if thread_id else None
    if page is not None:
        return Target(f"{page}#post-{post_id}", f"{_describe(post, tz)}, in another thread")
    return Target(safe_url(post["url"]), _describe(post, tz))


def _describe(post: PostRecord, tz: ZoneInfo) -> str:
    moment = post_instant(post)
    return f"{post['source']}, {when(moment, tz).local}" if moment else post["source"]


def _view(post: PostRecord, tz: ZoneInfo) -> PostView:
    published = post_instant(post)
    moment = published or LATEST
    text = post.get("text") or ""
    title = post.get("title") or None
    return PostView(
        post=post,
        anchor=f"post-{post['id']}",
        moment=moment,
        when=when(published, tz) if published else When("date unknown", "", ""),
        dated=bool(post.get("published_at")) and published is not None,
        platform=platform_label(post["platform"]),
        title=rich_text(title) if title else None,
        title_dir=direction(title or text, post.get("lang")),
        text=rich_text(text),
        text_dir=direction(text or title or "", post.get("lang")),
        url=safe_url(post.get("url")),
        media=_media(post.get("media") or []),
        thread_evidence=_evidence(post.get("thread_evidence")),
        duplicate_evidence=_evidence(post.get("duplicate_evidence")),
    )


def _media(items: list[dict[str, Any]]) -> list[Media]:
    found = []
    for index, item in enumerate(items, 1):
        href = safe_url(item.get("url"))
        if href is None:
            continue
        label = str(item.get("type") or "media")
        if isinstance(item.get("duration"), int | float):
            label += f" ({item['duration']:.0f} s)"
        found.append(Media(href, f"{label} {index}" if len(items) > 1 else label))
    return found


def _evidence(evidence: dict[str, Any] | None) -> Evidence | None:
    if not evidence:
        return None
    summary = str(evidence.get("summary") or evidence.get("kind") or "")
    details = {k: v for k, v in evidence.items() if k != "summary"}
    return Evidence(summary, json.dumps(details, ensure_ascii=False, indent=1))
