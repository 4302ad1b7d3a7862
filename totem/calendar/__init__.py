"""Private iCalendar feeds."""
