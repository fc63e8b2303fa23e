"""A request body parsed straight from its bytes, for the routes where parsing costs: a
nightly sync's batch of a thousand children is about a million characters of JSON.

FastAPI parses a declared body with ``json.loads`` (a Python object for every value) and then
validates those objects; pydantic's own JSON parser (``model_validate_json``) validates the bytes
in one pass without them, at about half the cost. A route using it reads the raw body, declares
the model for the OpenAPI document only (``documented``), and refuses an invalid body as FastAPI
would: a 422 problem listing each error with its location under ``body``.
"""

from typing import Any, TypeVar

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

M = TypeVar("M", bound=BaseModel)
SCHEMAS = "#/components/schemas/"
_DOCUMENTED: list[type[BaseModel]] = []  # the models ``documented`` named


def parsed(model: type[M], body: bytes) -> M:
    """``body`` as ``model``, or the request's validation error (locations under ``body``)."""
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """A route's ``openapi_extra``: its JSON body is ``model`` (``schemas`` then holds the
    model's schemas, for the document's components)."""
    _DOCUMENTED.append(model)
    return {
        "requestBody": {
            "content": {"application/json": {"schema": {"$ref": f"{SCHEMAS}{model.__name__}"}}},
            "required": True,
        }
    }


def schemas() -> dict[str, Any]:
    """The schemas of the documented bodies and of the models they hold, by name."""
    if not _DOCUMENTED:
        return {}
    _, found = models_json_schema(
        [(model, "validation") for model in _DOCUMENTED], ref_template=SCHEMAS + "{model}"
    )
    # as FastAPI writes its document: no null values (a default of None goes unsaid)
    defined: dict[str, Any] = jsonable_encoder(found.get("$defs", {}), exclude_none=True)
    return defined
