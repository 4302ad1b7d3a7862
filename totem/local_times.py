"""Times of a row on its venue's wall clock, as the pages show them."""
from datetime import datetime
from zoneinfo import ZoneInfo


class WallClockHours:
    """`start` and `end` ("09:30") of a row with UTC `starts_at`, `ends_at` and its venue's `timezone`."""

    starts_at: datetime
    ends_at: datetime
    timezone: str

    @property
    def start(self) -> str:
        return self.starts_at.astimezone(ZoneInfo(self.timezone)).strftime("%H:%M")

    @property
    def end(self) -> str:
        return self.ends_at.astimezone(ZoneInfo(self.timezone)).strftime("%H:%M")
