"""The cohort form's fields, read into the data the cohorts service takes."""
from typing import Any

from cohorts.programs import cohorts as cohort_service
from cohorts.programs.phases import PhaseDates
from spaces.venues.forms import calendar_day, whole


COHORT_FIELDS = ("name", "capacity", "applications_open_on", "selection_on", "starts_on", "demo_day_on", "ends_on")


NEW_COHORT = {field: "" for field in COHORT_FIELDS} | {"capacity": "20"}


def cohort_data(values: dict[str, str]) -> cohort_service.CohortData:
    dates = PhaseDates(*(calendar_day(values[name], name) for name in COHORT_FIELDS[2:]))
    return cohort_service.CohortData(values["name"], whole(values["capacity"], "capacity"), dates)


def cohort_values(cohort: Any) -> dict[str, str]:
    return {"name": cohort.name, "capacity": str(cohort.capacity)} | {
        name: getattr(cohort, name).isoformat() for name in COHORT_FIELDS[2:]}
