"""The building's operators (the organisations that run programs in it), their managers, their monthly room-hours
quotas per kind of space, and the peak hours at which the shared meeting rooms are shared fairly between them.

Bookings consume the quotas (`spaces.booking.quotas`); programs belong to an operator (`cohorts.programs`).
"""
