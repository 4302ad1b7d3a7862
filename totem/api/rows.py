"""Long lists answered as JSON straight from their rows (named tuples, objects), in the fields of their schema.

FastAPI validates a returned list against the route's `response_model` and
then serialises it: for the ~2,400 desks an availability search can return,
about a fifth of the request's server time (bench/RESULTS.md). The route keeps its
`response_model` for the OpenAPI document; the rows, already typed by the
query, are written out field by field with pydantic-core's serialiser.
"""
from collections.abc import Iterable

from fastapi.responses import Response
from pydantic import BaseModel
from pydantic_core import to_json


def rows_answer(schema: type[BaseModel], rows: Iterable[object]) -> Response:
    fields = tuple(schema.model_fields)
    return Response(to_json([{name: getattr(row, name) for name in fields} for row in rows]),
                    media_type="application/json")
