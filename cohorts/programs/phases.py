"""When each phase of a cohort starts, and which phase a day falls in: rules that need no database."""
from dataclasses import dataclass
from datetime import date, timedelta

from cohorts.programs.enums import PHASE_ORDER, Phase
from cohorts.programs.models import Cohort
from totem.errors import Invalid


@dataclass(frozen=True)
class PhaseDates:
    """A cohort's dates as typed in a form: each is the first day of its phase, `ends_on` the last of `demo_day`."""

    applications_open_on: date
    selection_on: date
    starts_on: date
    demo_day_on: date
    ends_on: date

    def check(self) -> None:
        """The phases follow each other: applications stay open one day at least."""
        if self.selection_on <= self.applications_open_on:
            raise Invalid("Applications must close after they open.", field="selection_on")
        if self.starts_on < self.selection_on:
            raise Invalid("The cohort cannot start before the selection.", field="starts_on")
        if self.demo_day_on < self.starts_on:
            raise Invalid("The demo day cannot come before the start.", field="demo_day_on")
        if self.ends_on < self.demo_day_on:
            raise Invalid("The cohort cannot end before its demo day.", field="ends_on")


def dates_of(cohort: Cohort) -> PhaseDates:
    return PhaseDates(cohort.applications_open_on, cohort.selection_on, cohort.starts_on, cohort.demo_day_on,
                      cohort.ends_on)


def first_day(cohort: Cohort, phase: Phase) -> date | None:
    """The day the phase starts by the calendar; a draft has none."""
    return {
        Phase.DRAFT: None,
        Phase.APPLICATIONS_OPEN: cohort.applications_open_on,
        Phase.SELECTION: cohort.selection_on,
        Phase.RUNNING: cohort.starts_on,
        Phase.DEMO_DAY: cohort.demo_day_on,
        Phase.ALUMNI: cohort.ends_on + timedelta(days=1),
    }[phase]


def phase_on(cohort: Cohort, day: date) -> Phase:
    """The phase the calendar gives on `day`: the last one that has started."""
    current = Phase.DRAFT
    for phase in PHASE_ORDER[1:]:
        start = first_day(cohort, phase)
        if start is not None and start <= day:
            current = phase
    return current


def is_after(phase: Phase | str, other: Phase | str) -> bool:
    return PHASE_ORDER.index(Phase(phase)) > PHASE_ORDER.index(Phase(other))


def due_phase(cohort: Cohort, day: date) -> Phase | None:
    """The phase the job should move the cohort to on `day`, or None.

    Only forward, and never over a manager's choice: a transition dated on or
    before the day a manager forced the phase has been overruled by them.
    """
    target = phase_on(cohort, day)
    if not is_after(target, cohort.phase):
        return None
    start = first_day(cohort, target)
    if cohort.phase_forced_on is not None and start is not None and start <= cohort.phase_forced_on:
        return None
    return target
