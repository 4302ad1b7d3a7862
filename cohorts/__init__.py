"""Programs and their cohorts, start-ups and their progress, mentors and their sessions, the weekly matching,
speed-meeting days, the territory's actors around the building, and the program reports.

`PARTS` are its sub-packages in dependency order: each may use those before it, never one after
(import-linter holds it; start-ups and mentoring, and the matching and speed meetings, ignore each other).
Importing any part registers every part's tables, because a foreign key may point to a part above (an
enrolment to the application it came from, a session to the matching run that proposed it) and SQLAlchemy
needs that table to flush.
"""
PARTS = ("programs", "startups", "mentoring", "matching", "speed_meeting", "territory", "reports")

from cohorts.programs import models as _programs  # noqa: E402,F401
from cohorts.startups import models as _startups  # noqa: E402,F401
from cohorts.mentoring import models as _mentoring  # noqa: E402,F401
from cohorts.matching import models as _matching  # noqa: E402,F401
from cohorts.speed_meeting import models as _speed_meeting  # noqa: E402,F401
from cohorts.territory import models as _territory  # noqa: E402,F401
