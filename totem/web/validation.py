"""Pydantic's validation errors told in the reader's language: one sentence per field, joined.

Pydantic writes its messages in English; the kinds of error an API client
meets are translated from their `type` here, with the limits from their
context (`{max_length}`, `{ge}`). A validator's own message (a ValueError
raised in a schema) is an English msgid too, translated if the catalog has it.
"""
from collections.abc import Sequence
from typing import Any

from totem.i18n import N_, translate

_BY_TYPE = {
    "missing": N_("this field is required."),
    "extra_forbidden": N_("this field is not expected."),
    "int_parsing": N_("enter a whole number."),
    "int_type": N_("enter a whole number."),
    "int_from_float": N_("enter a whole number."),
    "float_parsing": N_("enter a number."),
    "float_type": N_("enter a number."),
    "finite_number": N_("enter a finite number."),
    "bool_parsing": N_("enter true or false."),
    "bool_type": N_("enter true or false."),
    "string_type": N_("enter a text."),
    "string_too_short": N_("enter at least {min_length} characters."),
    "string_too_long": N_("enter at most {max_length} characters."),
    "string_pattern_mismatch": N_("this value does not have the expected form."),
    "too_short": N_("give at least {min_length} items."),
    "too_long": N_("give at most {max_length} items."),
    "list_type": N_("give a list."),
    "dict_type": N_("give an object."),
    "model_type": N_("give an object."),
    "model_attributes_type": N_("give an object."),
    "greater_than": N_("enter a number above {gt}."),
    "greater_than_equal": N_("enter a number of at least {ge}."),
    "less_than": N_("enter a number below {lt}."),
    "less_than_equal": N_("enter a number of at most {le}."),
    "literal_error": N_("choose one of {expected}."),
    "enum": N_("choose one of {expected}."),
    "date_parsing": N_("enter a date such as 2026-12-24."),
    "date_type": N_("enter a date such as 2026-12-24."),
    "date_from_datetime_parsing": N_("enter a date such as 2026-12-24."),
    "date_from_datetime_inexact": N_("enter a date such as 2026-12-24."),
    "datetime_parsing": N_("enter a date and time with its offset, such as 2026-12-24T09:00:00+01:00."),
    "datetime_type": N_("enter a date and time with its offset, such as 2026-12-24T09:00:00+01:00."),
    "datetime_from_date_parsing": N_("enter a date and time with its offset, such as 2026-12-24T09:00:00+01:00."),
    "timezone_aware": N_("give the time's offset, such as +01:00 or Z."),
    "time_parsing": N_("enter a time such as 09:00."),
    "time_type": N_("enter a time such as 09:00."),
    "json_invalid": N_("the body is not valid JSON."),
    "json_type": N_("the body is not valid JSON."),
    "url_parsing": N_("enter a web address such as https://example.org."),
    "url_scheme": N_("enter a web address such as https://example.org."),
}


def describe(errors: Sequence[Any], locale: str) -> str:
    """"starts_at: give the time's offset, such as +01:00 or Z.; capacity: enter a whole number." """
    sentences = [f"{_field_name(error.get('loc', ()))}: {_message(error, locale)}" for error in errors]
    return "; ".join(sentences) or translate(locale, "The request is not valid.")


def _message(error: dict[str, Any], locale: str) -> str:
    context = error.get("ctx") or {}
    template = _BY_TYPE.get(error.get("type", ""))
    if template is not None:
        limits = {name: value for name, value in context.items() if isinstance(value, int | float | str)}
        try:
            return translate(locale, template, **limits)
        except (KeyError, IndexError):
            pass  # a placeholder this error's context does not give: its own words below
    if error.get("type") == "value_error" and "error" in context:
        return translate(locale, str(context["error"]))  # a validator's own msgid
    return str(error.get("msg", ""))


def _field_name(location: Sequence[Any]) -> str:
    # ("body", "starts_at") or ("query", "kind"): the field is what the client wrote.
    return ".".join(str(part) for part in location[1:]) or (str(location[0]) if location else "body")
