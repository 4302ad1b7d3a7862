"""The IANA time zones this machine knows: the venue form's list and the one test of a typed name."""
from functools import lru_cache
from zoneinfo import available_timezones


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(time_zones())


def is_time_zone(name: str) -> bool:
    return name in _known()
