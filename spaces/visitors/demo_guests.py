"""The demo's visitors: guests expected today at the front desk (whatever day the demo is loaded), one already in.

Loaded by `spaces.demo` once the venue and the core's accounts exist. Rows are written directly rather than
through `service.register_guests`, which would refuse a Sunday or an hour already past and e-mail made-up people.
"""
import secrets
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from spaces.venues.models import Venue
from spaces.venues.rules import local_moment, local_time
from spaces.visitors.models import Visitor
from spaces.visitors.service import new_code
from totem.identity import service as identity

# (host's e-mail, guest, e-mail, organisation, reason, local time)
GUESTS = (
    ("nadia@oceanwatt.fr", "Martine Giraud", "m.giraud@grandport-marseille.example", "Grand Port Maritime",
     "Pilote houlomoteur", time(9, 30)),
    ("nadia@oceanwatt.fr", "Thomas Lefèvre", "thomas@capmer.example", "Cap Mer Invest", "Levée de fonds", time(11)),
    ("yves.roux@mentors-sud.fr", "Julie Marchetti", "julie@atelier-kelp.example", "Atelier Kelp",
     "Journée mentorat", time(14)),
    ("lea.martin@cite-innovation.fr", "Karim Haddad", "k.haddad@regionsud.example", "Région Sud",
     "Visite du bâtiment", time(16, 30)),
)
# The first guest is already at the desk when the demo opens, come a few minutes after their time.
ARRIVED = 1
ARRIVED_AFTER = timedelta(minutes=5)


def load_demo(db: Session, *, venue: Venue, now: datetime) -> None:
    """Today's guests on the venue's clock (called by `spaces.demo`: a part's `demo` module would be run first)."""
    today = local_time(now, venue).date()
    for index, (host_email, name, email, organisation, reason, at) in enumerate(GUESTS):
        host = identity.get_user_by_email(db, host_email)
        if host is None:  # the core's demo accounts were not loaded
            continue
        expected_at = local_moment(today, at, venue)
        db.add(Visitor(
            venue_id=venue.id, host_id=host.id, registered_by_id=host.id, name=name, email=email,
            organisation=organisation, reason=reason, locale=host.locale, expected_at=expected_at, walk_in=False,
            code=new_code(), page_token=secrets.token_urlsafe(32), created_at=now,
            checked_in_at=min(now, expected_at + ARRIVED_AFTER) if index < ARRIVED else None,
        ))
