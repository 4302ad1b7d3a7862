"""What the nightly roll-up writes and the occupancy reports read."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from totem.db import Base


class OccupancyHour(Base):
    """What one space saw in one local hour of one day: written by the nightly roll-up, read by the reports.

    Only hours with a booking have a row; the reports take the capacity from
    the spaces and the opening hours.
    """

    __tablename__ = "occupancy_hour"
    __table_args__ = (
        UniqueConstraint("space_id", "starts_at"),
        Index("ix_occupancy_hour_venue_id_day", "venue_id", "day"),
        CheckConstraint("hour between 0 and 23 and weekday between 0 and 6", name="hour_and_weekday_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"))
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime]  # the hour's start, UTC
    day: Mapped[date] = mapped_column(Date())  # local
    hour: Mapped[int]  # local, 0-23
    weekday: Mapped[int]  # local, 0 is Monday
    booked_minutes: Mapped[int] = mapped_column(default=0)
    used_minutes: Mapped[int] = mapped_column(default=0)  # of bookings checked in
    bookings: Mapped[int] = mapped_column(default=0)  # bookings starting in this hour
    check_ins: Mapped[int] = mapped_column(default=0)
    no_shows: Mapped[int] = mapped_column(default=0)


class OccupancyDayHour(Base):
    """The hourly rows of one local day and hour summed per floor, zone and kind: the reports' hours and weeks.

    Written beside `occupancy_hour` by the nightly roll-up, so a quarter's
    heat map and weekly trend read a few thousand rows instead of a million.
    The floor, zone and kind are the spaces' when the day was rolled up.
    """

    __tablename__ = "occupancy_day_hour"
    __table_args__ = (
        Index("ix_occupancy_day_hour_venue_id_day", "venue_id", "day"),
        CheckConstraint("hour between 0 and 23", name="hour_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date())  # local
    hour: Mapped[int]  # local, 0-23; the two 02:00 of a fall-back day are one row
    booked_minutes: Mapped[int] = mapped_column(default=0)
    used_minutes: Mapped[int] = mapped_column(default=0)
    bookings: Mapped[int] = mapped_column(default=0)
    check_ins: Mapped[int] = mapped_column(default=0)
    no_shows: Mapped[int] = mapped_column(default=0)


class OccupancySpaceDay(Base):
    """The hourly rows of one space and local day summed: the reports' most and least used spaces."""

    __tablename__ = "occupancy_space_day"
    __table_args__ = (
        UniqueConstraint("space_id", "day"),
        Index("ix_occupancy_space_day_venue_id_day", "venue_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"))
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date())  # local
    booked_minutes: Mapped[int] = mapped_column(default=0)
    used_minutes: Mapped[int] = mapped_column(default=0)
    bookings: Mapped[int] = mapped_column(default=0)
    check_ins: Mapped[int] = mapped_column(default=0)
    no_shows: Mapped[int] = mapped_column(default=0)
