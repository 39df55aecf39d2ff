"""What the CLI prints: summaries as rich tables on stdout, problems as lines on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from monitor.collect.sources import DEFAULT_TIMEZONE, Source, format_duration
from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.normalize.dates import instant, post_instant

if TYPE_CHECKING:
    # (the crawl imports Scrapy and the story engine: `monitor threads` needs neither)
    from monitor.collect.crawl import SourceReport

DEFAULT_ZONE = ZoneInfo(DEFAULT_TIMEZONE)
# where a post with no readable time sorts: first
_NEVER = datetime.min.replace(tzinfo=UTC)
STATUS_STYLE = {"ok": "green", "warning": "yellow", "failed": "bold red", "interrupted": "yellow"}


def console() -> Console:
    # Cron mails and logs are read in wide windows; rich's 80 columns would wrap the table.
    return Console(width=None if sys.stdout.isatty() else 160, highlight=False)


def _table(title: str, columns: Sequence[str], numbers: Sequence[str] = ()) -> Table:
    """A table titled on the left, its `numbers` columns aligned on the right."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in numbers else "left")
    return table


def print_summary(reports: Sequence[SourceReport]) -> None:
    """The per-source table, then each problem as one line on stderr."""
    numbers = ("pages", "posts", "new", "updated", "errors")
    table = _table("crawl summary", ("source", "kind", "status", *numbers), numbers)
    for r in reports:
        style = STATUS_STYLE[r.status]
        table.add_row(
            r.name,
            r.kind,
            f"[{style}]{r.status}[/]",
            str(r.pages),
            str(r.items),
            str(r.new),
            str(r.updated),
            str(r.errors),
        )
    console().print(table)
    if any(r.updated for r in reports):
        console().print(
            "[dim]updated: posts already stored (by an earlier run, or in this run through "
            "another source: a tweet embedded in an article, a forwarded Telegram post) that "
            "came again with something new, kept as a new revision[/]"
        )
    print_problems(reports)


def print_problems(reports: Iterable[SourceReport]) -> None:
    for r in reports:
        if r.failure:
            click.echo(f"monitor: {r.name}: failed: {r.failure}", err=True)
        for message in r.messages:
            if message != r.failure:
                click.echo(f"monitor: {r.name}: {message}", err=True)
        for warning in r.warnings:
            click.echo(f"monitor: {r.name}: warning: {warning}", err=True)


def print_check_line(report: SourceReport) -> None:
    click.echo(
        f"{report.name}: {report.status}, {report.pages} pages, {report.items} posts, "
        f"{report.errors} errors",
        err=True,
    )
    print_problems([report])


def print_sources(sources: Sequence[Source]) -> None:
    table = Table(title=f"{len(sources)} sources", title_justify="left")
    for column in ("name", "kind", "platform", "every", "enabled", "url"):
        table.add_column(column, overflow="fold")
    for s in sources:
        table.add_row(s.name, s.kind, s.platform, s.every, "yes" if s.enabled else "no", s.url)
    console().print(table)


def print_posts(posts: Iterable[PostRecord], limit: int) -> None:
    """The first posts, as a reader would want to see them: who, when, what, where."""
    out = console()
    for index, post in enumerate(posts):
        if index >= limit:
            break
        when = post.get("published_at") or "date unknown"
        who = post.get("author") or post.get("author_handle") or post["source"]
        text = (post.get("title") or post.get("text") or "").replace("\n", " ")
        out.print(f"[bold]{who}[/] · {post['platform']} · {when}")
        out.print(f"  {text[:200]}{'…' if len(text) > 200 else ''}", markup=False)
        out.print(f"  [dim]{post['url']}[/]")


def print_threads(threads: Sequence[ThreadRecord], zone: ZoneInfo = DEFAULT_ZONE) -> None:
    """Threads as a table, times in one zone, named in the title. A thread's status follows
    its posts' times, not the clock: "open" means its last post is recent beside the newest
    post seen, however old both are."""
    table = Table(
        title=f"{len(threads)} threads (times in {zone_label(zone)})", title_justify="left"
    )
    for column in ("thread", "title", "first seen", "last seen", "posts", "sources", "status"):
        table.add_column(column, overflow="fold")
    for t in threads:
        table.add_row(
            t["thread_id"],
            t.get("title") or "",
            local_time(t.get("first_seen"), zone),
            local_time(t.get("last_seen"), zone),
            str(t.get("post_count", 0)),
            ", ".join(t.get("sources") or []),
            t.get("status") or "",
        )
    console().print(table)


def zone_label(zone: ZoneInfo) -> str:
    return str(zone.key)


def local_time(value: str | None, zone: ZoneInfo) -> str:
    """A stored time shown in `zone`, to the minute."""
    moment = instant(value)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def print_timeline(
    thread: ThreadRecord, posts: Sequence[PostRecord], zone: ZoneInfo = DEFAULT_ZONE
) -> None:
    """A thread oldest first (by the instant, whatever zone each post was stored in), times in
    one zone: ↳ marks a follow-up (with its type), ≡ a copy of another post; under each post,
    why it is in the thread (and why it is a copy)."""
    out = console()
    out.print(
        f"[bold]{thread.get('title') or thread['thread_id']}[/]  ({thread['thread_id']}, "
        f"{thread.get('post_count')} posts, {thread.get('status')}; times in {zone_label(zone)})"
    )
    by_id = {post["id"]: post for post in posts}
    for post in sorted(posts, key=lambda p: (post_instant(p) or _NEVER, p["id"])):
        mark = "  "
        note = ""
        # (.get() does not narrow the value for mypy: each id is checked before it is used)
        if post.get("duplicate_of"):
            mark, note = "≡ ", f" copy of {_short(by_id, cast(str, post['duplicate_of']))}"
        elif post.get("follows_up"):
            mark = "↳ "
            note = f" {post.get('link_type')} of {_short(by_id, cast(str, post['follows_up']))}"
        when = local_time(post.get("published_at"), zone) or "date unknown    "
        text = (post.get("title") or post.get("text") or "").replace("\n", " ")[:110]
        out.print(f"{mark}{when} [bold]{post['source']}[/] {post['id']}[dim]{note}[/]")
        out.print(f"     {text}", markup=False)
        for evidence, label in (
            (post.get("thread_evidence"), "why here"),
            (post.get("duplicate_evidence"), "why a copy"),
        ):
            if evidence and evidence.get("summary"):
                out.print(f"     [dim]{label}: {evidence['summary']}[/]", highlight=False)
        if post.get("link_evidence"):
            out.print(f"     [dim]why a follow-up: {post['link_evidence']}[/]", highlight=False)


def _short(by_id: dict[str, PostRecord], post_id: str) -> str:
    post = by_id.get(post_id)
    return f"{post_id} ({post['source']})" if post else post_id


def print_scores(name: str, scores: object) -> None:
    s = scores.__dict__
    out = console()
    out.print(f"[bold]{name}[/]: {s['posts']} posts")
    out.print(
        f"  threads     B-cubed P {s['thread_precision']:.3f}  R {s['thread_recall']:.3f}  "
        f"F1 {s['thread_f1']:.3f}"
    )
    out.print(
        f"  copies      P {s['duplicate_precision']:.3f}  R {s['duplicate_recall']:.3f}  "
        f"({s['duplicate_pairs']} gold pairs)"
    )
    out.print(
        f"  follow-ups  P {s['followup_precision']:.3f}  R {s['followup_recall']:.3f}  "
        f"({s['followup_pairs']} gold pairs; link type right on {s['link_type_accuracy']:.0%})"
    )
    if s.get("stance_pairs"):
        out.print(
            f"  pairs       disagree marked a copy {s['disagree_copied']:.3f}  "
            f"agree in one thread {s['agree_together']:.3f}  ({s['stance_pairs']} pairs)"
        )


def print_story_scores(rows: Sequence[Any]) -> None:
    """`monitor eval --stories`: a row a labelled story, the costliest first."""
    numbers = ("posts", "threads", "in main", "strangers", "P", "R", "lost P", "lost R")
    table = _table("stories (the costliest first)", ("story", *numbers), numbers)
    for row in rows:
        table.add_row(
            row.story,
            str(row.posts),
            str(row.threads),
            str(row.in_main),
            str(row.strangers),
            f"{row.precision:.2f}",
            f"{row.recall:.2f}",
            f"{row.lost_precision:.3f}",
            f"{row.lost_recall:.3f}",
        )
    console().print(table)


def print_status(
    sources: Sequence[Source],
    states: dict[str, dict[str, Any]],
    elsewhere: dict[str, dict[str, Any]] | None = None,
    file_name: str = "sources.toml",
) -> None:
    """One row a source, then a row for each source that has runs in the data dir but is not
    in the sources file (a wrong file must not hide a source), then each warning as a line on
    stderr."""
    from monitor.collect.health import warnings

    columns = ("source", "kind", "last run", "status", "last success", "new", "failures")
    table = _table("source health", (*columns, "next due", "interval"), ("new", "failures"))
    problems = []
    for source in sources:
        state = states.get(source.name) or {}
        found = warnings(state)
        problems += [f"{source.name}: {w}" for w in found]
        status = state.get("last_status", "never run")
        if not source.enabled:
            status += " (disabled)"
        style = STATUS_STYLE.get(state.get("last_status", ""), "dim")
        if found:
            style = "yellow" if style == "green" else style
        table.add_row(
            source.name,
            source.kind,
            _short_time(state.get("last_run")),
            f"[{style}]{status}[/]",
            _short_time(state.get("last_success")),
            str(state.get("last_new_posts", "")),
            str(state.get("consecutive_failures", 0)),
            _short_time(state.get("next_due")) or "now",
            format_duration(state.get("interval") or source.every_seconds),
        )
    for name, state in sorted((elsewhere or {}).items()):
        table.add_row(
            name,
            "",
            _short_time(state.get("last_run")),
            f"[dim]{state.get('last_status', '')}, not in {file_name}[/]",
            _short_time(state.get("last_success")),
            str(state.get("last_new_posts", "")),
            str(state.get("consecutive_failures", 0)),
            "",
            "",
        )
    console().print(table)
    for problem in problems:
        click.echo(f"monitor: warning: {problem}", err=True)


def _short_time(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else ""
