"""The English words the pages use for the records' codes."""

from __future__ import annotations

PLATFORMS = {"telegram": "Telegram", "x": "X", "web": "Web", "facebook": "Facebook"}
LINK_TYPES = {
    "follow_up": "follow-up",
    "update": "update",
    "correction": "correction",
    "reply": "reply",
}
STATUS_HINT = (
    "The engine's word: a thread closes after a quiet spell (threads.quiet_seconds, 7 days by "
    "default) counted in post time, from the newest post collected, not from the clock."
)


def platform_label(platform: str) -> str:
    return PLATFORMS.get(platform, platform)


def link_type_label(link_type: str | None) -> str:
    return LINK_TYPES.get(link_type or "", link_type or "follow-up")
