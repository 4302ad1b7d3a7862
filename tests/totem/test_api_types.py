"""The API's days and instants are written out: a number is not 1970, an instant has its offset."""
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from totem.api.schemas import Day, Instant

DAY, INSTANT = TypeAdapter(Day), TypeAdapter(Instant)


def test_a_day_is_a_calendar_date_and_never_a_number():
    assert DAY.validate_python("2028-02-29") == date(2028, 2, 29)
    for value in ("0", 0, 1700000000, "1700000000", "-1", "2027-02-29", "99999-01-01", ""):
        with pytest.raises(ValidationError):
            DAY.validate_python(value)


def test_an_instant_needs_its_offset_and_is_never_a_number():
    assert INSTANT.validate_python("2027-03-28T01:30:00+01:00") == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert INSTANT.validate_python("2027-03-28T00:30:00Z").utcoffset() == timedelta(0)
    assert INSTANT.validate_python("2027-03-28T03:30:00+02:00").tzinfo == timezone(timedelta(hours=2))
    for value in ("2027-03-28T01:30:00", "0", 0, 1.5, "1700000000", "2027-03-28"):
        with pytest.raises(ValidationError):
            INSTANT.validate_python(value)
