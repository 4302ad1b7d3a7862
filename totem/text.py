"""Free text that people type: trimmed, and refused past its bound rather than stored whatever its size."""
from totem.errors import VALUE_OUT_OF_RANGE, Invalid


def bounded(value: str, *, field: str, longest: int) -> str:
    """`value` without its outer spaces; Invalid naming `field` when it is longer than `longest` characters."""
    value = value.strip()
    if len(value) > longest:
        raise Invalid("Keep it under {length} characters.", field=field, code=VALUE_OUT_OF_RANGE, length=longest + 1)
    return value


def website(value: str, *, field: str = "website", longest: int = 300) -> str:
    """A website's address as typed, https:// added when missing; "" for none; Invalid when it is not one."""
    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = f"https://{value}"
    if not value.startswith(("http://", "https://")) or "." not in value or " " in value:
        raise Invalid("Enter the website's address, such as https://example.com.", field=field)
    return bounded(value, field=field, longest=longest)
