"""Totem: operations manager for start-up accelerators."""
