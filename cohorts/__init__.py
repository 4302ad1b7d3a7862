"""Programs, sector tracks, cohorts, start-ups, mentors and matching."""
