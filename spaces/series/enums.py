"""Why an occurrence of a series has no booking."""
from enum import StrEnum


class SeriesSkip(StrEnum):
    """Why an occurrence of a series has no booking."""

    CONFLICT = "conflict"  # the space was taken
    CLOSED = "closed"  # the venue is closed that day
    REFUSED = "refused"  # another rule refused it (credits, advance window...)
