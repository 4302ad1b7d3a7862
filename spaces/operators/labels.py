"""What the pages call the kinds of operator and what a spent quota does, in the users' words."""
from spaces.operators.enums import OperatorKind, WhenExhausted
from totem.i18n import N_

OPERATOR_KIND_LABELS = {
    OperatorKind.ACCELERATOR: N_("Accelerator"),
    OperatorKind.CORPORATE_PROGRAMME: N_("Corporate programme"),
    OperatorKind.UNIVERSITY: N_("University"),
    OperatorKind.FRENCH_TECH_OFFICE: N_("French Tech office"),
}

WHEN_EXHAUSTED_LABELS = {
    WhenExhausted.REFUSE: N_("Refuse the booking"),
    WhenExhausted.APPROVAL: N_("Send it to approval"),
}

WEEKDAY_LABELS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
                  N_("Sunday"))
