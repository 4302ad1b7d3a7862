"""What the pages call applications' states, start-ups' stages and the rubric's criteria, in the users' words."""
from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.startups.enums import ApplicationStatus, Criterion, Stage
from totem.i18n import N_


STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: N_("New"),
    ApplicationStatus.UNDER_REVIEW: N_("Under review"),
    ApplicationStatus.ACCEPTED: N_("Accepted"),
    ApplicationStatus.WAITLISTED: N_("Waiting list"),
    ApplicationStatus.REJECTED: N_("Rejected"),
}


STAGE_LABELS = {
    Stage.IDEA: N_("Idea"),
    Stage.PROTOTYPE: N_("Prototype"),
    Stage.FIRST_CUSTOMERS: N_("First customers"),
    Stage.SEED: N_("Seed funded"),
    Stage.SERIES_A: N_("Series A"),
    Stage.GROWTH: N_("Growth"),
}


CRITERION_LABELS = {
    Criterion.TEAM: N_("Team"),
    Criterion.MARKET: N_("Market"),
    Criterion.PRODUCT: N_("Product"),
    Criterion.FIT: N_("Fit with the program"),
}


CRITERION_HINTS = {
    Criterion.TEAM: N_("Complementary founders, able to deliver"),
    Criterion.MARKET: N_("A real need, a market worth the effort"),
    Criterion.PRODUCT: N_("How far the product or service has come"),
    Criterion.FIT: N_("What the program and its track can bring them"),
}
