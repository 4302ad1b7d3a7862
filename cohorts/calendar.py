"""The cohorts package's events in users' private calendar feeds: mentors' office hours and mentor sessions.

The app factory imports this module; each source registers itself on import.
"""
from cohorts import availability_calendar, mentor_calendar  # noqa: F401
