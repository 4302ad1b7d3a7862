"""The audit log."""
from totem.audit.service import list_entries, record

__all__ = ["list_entries", "record"]
