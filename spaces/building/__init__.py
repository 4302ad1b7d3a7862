"""The building's admin pages and API for operators: their names and managers, their quotas, the peak hours, and
each operator's use of its quotas this month (its managers see their own)."""
