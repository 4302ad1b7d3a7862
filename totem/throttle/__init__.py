"""Limits on how often one client may do a thing (send an application...), counted in the database for all processes."""
