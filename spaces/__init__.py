"""Desks, rooms and bookings: the building and its rules, room credits, bookings and their waitlist,
recurring series, the operators sharing the rooms under quotas, the front desk and its visitors, the event space's programme, the Spaces
admin pages and occupancy.

`PARTS` are its sub-packages in dependency order: each may use those before it, never one after
(import-linter holds it). Importing any part registers every part's tables, because a foreign key may
point to a part above (a booking to its series, a ledger entry to its booking) and SQLAlchemy needs
that table to flush.
"""
PARTS = ("venues", "credits", "operators", "booking", "booking.waitlist", "series", "frontdesk", "visitors", "events", "admin",
         "building", "occupancy")

from spaces.venues import models as _venues  # noqa: E402,F401
from spaces.credits import models as _credits  # noqa: E402,F401
from spaces.operators import models as _operators  # noqa: E402,F401
from spaces.booking import models as _booking  # noqa: E402,F401
from spaces.booking.waitlist import models as _waitlist  # noqa: E402,F401
from spaces.series import models as _series  # noqa: E402,F401
from spaces.visitors import models as _visitors  # noqa: E402,F401
from spaces.events import models as _events  # noqa: E402,F401
from spaces.occupancy import models as _occupancy  # noqa: E402,F401
