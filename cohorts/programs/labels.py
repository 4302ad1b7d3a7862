"""What the pages call phases, statuses, stages and the rubric's criteria, in the users' words."""
from babel.dates import format_date

from cohorts.programs.enums import EnrolmentStatus, Phase
from cohorts.programs.models import Cohort
from totem.i18n import N_

PHASE_LABELS = {
    Phase.DRAFT: N_("Draft"),
    Phase.APPLICATIONS_OPEN: N_("Applications open"),
    Phase.SELECTION: N_("Selection"),
    Phase.RUNNING: N_("Running"),
    Phase.DEMO_DAY: N_("Demo day"),
    Phase.ALUMNI: N_("Alumni"),
}
ENROLMENT_LABELS = {EnrolmentStatus.ACTIVE: N_("Enrolled"), EnrolmentStatus.ENDED: N_("Alumni")}
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
            N_("Sunday"))
# What the matching and speed-meeting solvers' outcomes mean to a manager.
SOLVER_STATUS_LABELS = {
    "optimal": N_("Best possible"),
    "feasible": N_("Good, not proved the best"),
    "greedy": N_("Quick draft"),
    "no_solution": N_("No solution in time"),
    "infeasible": N_("Impossible as fixed"),
}


PHASE_DATE_FIELDS = ("applications_open_on", "selection_on", "starts_on", "demo_day_on", "ends_on")


def long_dates(cohort: Cohort, locale: str) -> dict[str, str]:
    """The cohort's dates as a sentence says them: "4 janvier 2027"."""
    return {name: format_date(getattr(cohort, name), format="long", locale=locale) for name in PHASE_DATE_FIELDS}
