"""Free text that people type: trimmed, and refused past its bound rather than stored whatever its size."""
from totem.errors import VALUE_OUT_OF_RANGE, Invalid


def bounded(value: str, *, field: str, longest: int) -> str:
    """`value` without its outer spaces; Invalid naming `field` when it is longer than `longest` characters."""
    value = value.strip()
    if len(value) > longest:
        raise Invalid("Keep it under {length} characters.", field=field, code=VALUE_OUT_OF_RANGE, length=longest + 1)
    return value
