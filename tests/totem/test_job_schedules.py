"""A job's schedule in words, as a manager reads it in either language, on the venue's clock."""
import pytest

from totem.jobs.registry import cron_job, interval_job
from totem.jobs.schedules import describe_schedule


def _noop(db, fire_time):
    return ""


@pytest.mark.parametrize(("job", "english", "french"), [
    (interval_job("test.often", seconds=30, description="x")(_noop), "every 30 seconds", "toutes les 30 secondes"),
    (interval_job("test.quarter", seconds=900, description="x")(_noop), "every 15 minutes", "toutes les 15 minutes"),
    (interval_job("test.minute", seconds=60, description="x")(_noop), "every minute", "toutes les minutes"),
    (interval_job("test.hours", seconds=7200, description="x")(_noop), "every 2 hours", "toutes les 2 heures"),
    (cron_job("test.hourly", description="x", minute=20)(_noop), "every hour at 20 past",
     "toutes les heures, à la minute 20"),
    (cron_job("test.nightly", description="x", hour=0, minute=10)(_noop), "every day at 00:10", "tous les jours à 0\u00a0h\u00a010"),
    (cron_job("test.weekly", description="x", day_of_week="mon", hour=8, minute=0)(_noop), "every Monday at 08:00",
     "le lundi à 8\u00a0h"),
    (cron_job("test.monthly", description="x", day=1, hour=0, minute=5)(_noop), "on the 1st of each month at 00:05",
     "le 1er de chaque mois à 0\u00a0h\u00a005"),
])
def test_schedules_read_as_words(job, english, french):
    assert describe_schedule(job, "en") == english
    assert describe_schedule(job, "fr") == french


def test_an_unusual_cron_keeps_its_fields_rather_than_a_wrong_sentence():
    job = cron_job("test.odd", description="x", month="1-6", hour=3, minute=0)(_noop)
    assert describe_schedule(job, "en") == "cron month=1-6 hour=3 minute=0"
