"""The audit log."""
from totem.audit.service import PAGE_SIZE, AuditFilter, list_entries, record

__all__ = ["PAGE_SIZE", "AuditFilter", "list_entries", "record"]
