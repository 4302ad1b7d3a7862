"""The API's OpenAPI document declares its errors as they are sent (see `totem.web.errors.install_api_handlers`).

Every error is JSON `{"detail": "...", "code": "..."}` (and `field` when one
field is at fault): a validation error too (one sentence, not FastAPI's list
of objects). The codes are every one declared with `totem.errors.error_code`. Every operation behind a bearer token may
answer 401, and every one that reads a body 400 when it cannot be parsed.
"""
from typing import Any

from fastapi import FastAPI

from totem.api.schemas import ErrorOut
from totem.errors import declared_codes

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
FASTAPI_VALIDATION = {"$ref": "#/components/schemas/HTTPValidationError"}
UNAUTHENTICATED = {"description": "Missing, invalid or revoked bearer token"}
UNPARSABLE = {"description": "The body cannot be read (not UTF-8 JSON)"}


def install_openapi(api: FastAPI) -> None:
    build = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = document_errors(build())
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                responses.setdefault("401", dict(UNAUTHENTICATED))
            if "requestBody" in operation:
                responses.setdefault("400", dict(UNPARSABLE))
            for status, response in responses.items():
                if not status.startswith("4"):
                    continue
                json_schema = response.get("content", {}).get("application/json", {}).get("schema")
                if json_schema is None or json_schema == FASTAPI_VALIDATION:
                    response["content"] = {"application/json": {"schema": dict(ERROR_REF)}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema()
    error_schema["properties"]["code"]["enum"] = list(declared_codes())
    components["ErrorOut"] = error_schema
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema
