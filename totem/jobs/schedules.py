"""A job's schedule in words, in the reader's language: "every 15 minutes", "le lundi à 7 h"."""
from babel.dates import get_day_names

from totem.i18n import N_, translate
from totem.jobs.registry import Job
from totem.web.formats import babel_locale

# CronTrigger's day_of_week names, Monday first as Babel numbers the days.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def describe_schedule(job: Job, locale: str) -> str:
    """The schedule as a manager reads it, on the venue's clock; an unusual cron falls back to its fields."""
    if job.trigger_kind == "interval":
        return _every(job.interval_seconds or 1, locale)
    cron = dict(job.cron or {})
    minute = cron.pop("minute", 0)
    hour = cron.pop("hour", None)
    if not all(isinstance(value, int) for value in (minute, hour or 0)):
        return _fields(job)
    if hour is None and not cron:
        return translate(locale, N_("every hour at {minute} past"), minute=f"{minute:02d}")
    at = _time_of_day(int(hour or 0), int(minute), locale)
    if not cron:
        return translate(locale, N_("every day at {time}"), time=at)
    if set(cron) == {"day_of_week"} and cron["day_of_week"] in WEEKDAYS:
        weekday = get_day_names("wide", locale=babel_locale(locale))[WEEKDAYS.index(str(cron["day_of_week"]))]
        return translate(locale, N_("every {weekday} at {time}"), weekday=weekday, time=at)
    if set(cron) == {"day"} and isinstance(cron["day"], int):
        day = translate(locale, N_("1st")) if cron["day"] == 1 else str(cron["day"])
        return translate(locale, N_("on the {day} of each month at {time}"), day=day, time=at)
    return _fields(job)


def _every(seconds: int, locale: str) -> str:
    # Each unit once, or a count of two or more: no plural form needed in either language.
    for size, once, many in ((3600, N_("every hour"), N_("every {n} hours")),
                             (60, N_("every minute"), N_("every {n} minutes")),
                             (1, N_("every second"), N_("every {n} seconds"))):
        if seconds % size == 0:
            count = seconds // size
            return translate(locale, once) if count == 1 else translate(locale, many, n=count)
    raise AssertionError("unreachable: every whole number of seconds is a count of seconds")


def _time_of_day(hour: int, minute: int, locale: str) -> str:
    """French writes "7 h", "0 h 10" (with no-break spaces); English "07:00", "00:10" (the pages' 24-hour clock)."""
    if locale == "fr":
        return f"{hour}\u00a0h" if minute == 0 else f"{hour}\u00a0h\u00a0{minute:02d}"
    return f"{hour:02d}:{minute:02d}"


def _fields(job: Job) -> str:
    return "cron " + " ".join(f"{key}={value}" for key, value in (job.cron or {}).items())
