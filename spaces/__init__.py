"""Venues, spaces, booking rules, bookings, check-in, waitlist, credits and occupancy."""
