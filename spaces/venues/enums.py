"""Kinds of space, and how CHECK constraints name the values of an enumeration."""
from enum import StrEnum


class SpaceKind(StrEnum):
    HOT_DESK = "hot_desk"
    DEDICATED_DESK = "dedicated_desk"
    MEETING_ROOM = "meeting_room"
    PHONE_BOOTH = "phone_booth"
    EVENT_SPACE = "event_space"


def sql_list(values: tuple[str, ...] | type[StrEnum]) -> str:
    """`'a', 'b'` for a CHECK or a partial index written in SQL."""
    return ", ".join(f"'{value}'" for value in values)
