"""The demo building's three operators: the Métropole's accélérateur M and two corporate programmes, a shipping
group's and a cosmetics group's, each with its managers and its monthly quotas of room hours."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.operators import queries
from spaces.operators import service as operators
from spaces.operators.enums import OperatorKind, WhenExhausted
from spaces.operators.models import DEFAULT_OPERATOR_NAME
from spaces.venues.enums import SpaceKind
from totem.identity import service as identity

ADMIN_EMAIL = "admin@cite-innovation.fr"


@dataclass(frozen=True)
class DemoOperator:
    name: str
    kind: str
    branding_name: str
    managers: tuple[str, ...]
    quotas: tuple[tuple[str, int, str], ...]  # (kind of space, hours a month, once spent)


METROPOLE = DemoOperator(
    DEFAULT_OPERATOR_NAME, OperatorKind.ACCELERATOR, "accélérateur M — Métropole Aix-Marseille-Provence",
    ("lea.martin@cite-innovation.fr",),
    ((SpaceKind.MEETING_ROOM, 400, WhenExhausted.APPROVAL), (SpaceKind.EVENT_SPACE, 40, WhenExhausted.APPROVAL)))
SHIPPING = DemoOperator(
    "Armement Phocéen", OperatorKind.CORPORATE_PROGRAMME, "Blue Harbour Lab", ("marc.ferrand@armement-phoceen.fr",),
    ((SpaceKind.MEETING_ROOM, 120, WhenExhausted.REFUSE), (SpaceKind.EVENT_SPACE, 12, WhenExhausted.APPROVAL)))
COSMETICS = DemoOperator(
    "Maison Lavande", OperatorKind.CORPORATE_PROGRAMME, "Lavande Beauty Lab", ("ines.morel@maison-lavande.fr",),
    ((SpaceKind.MEETING_ROOM, 80, WhenExhausted.REFUSE),))
OPERATORS = (METROPOLE, SHIPPING, COSMETICS)


def load_demo(db: Session, now: datetime) -> None:
    """Create the operators (accélérateur M exists since revision 0012), their managers and quotas, once."""
    admin = identity.get_user_by_email(db, ADMIN_EMAIL)
    if admin is None or queries.get_operator_by_name(db, SHIPPING.name) is not None:
        return
    for entry in OPERATORS:
        operator = queries.get_operator_by_name(db, entry.name)
        data = operators.OperatorData(entry.name, entry.kind, entry.branding_name)
        if operator is None:
            operator = operators.create_operator(db, actor=admin, data=data, now=now)
        else:
            operators.update_operator(db, actor=admin, operator_id=operator.id, data=data, now=now)
        for email in entry.managers:
            manager = identity.get_user_by_email(db, email)
            if manager is not None:
                operators.add_manager(db, actor=admin, operator_id=operator.id, user_id=manager.id, now=now)
        for kind, hours, when_exhausted in entry.quotas:
            operators.set_quota(db, actor=admin, operator_id=operator.id, space_kind=kind, monthly_hours=hours,
                                when_exhausted=when_exhausted, now=now)
