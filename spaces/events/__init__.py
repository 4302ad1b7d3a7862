"""The event space's public programme: operators' events, registrations without an account, the waiting list."""
