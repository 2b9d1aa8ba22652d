"""Finishing touches on the generated OpenAPI document.

1. Component schemas come from msgspec itself. Litestar's generator drops the
   constraints on list items (``list[ClaimText]`` loses its lengths) and never
   says ``additionalProperties: false`` although every wire type forbids unknown
   fields, so the document promised more than the server accepts.
2. OpenAPI links between the claim endpoints, so clients and stateful API fuzzers
   (schemathesis) know that a claim's id and ETag feed the other claim calls.
"""

from __future__ import annotations

from dataclasses import replace

import msgspec
from litestar import Litestar
from litestar.openapi.spec import Link, OpenAPIType

from claimnotes import schemas
from claimnotes.routes.common import ErrorResponse

_STRUCTS: dict[str, type[msgspec.Struct]] = {
    name: obj for name, obj in vars(schemas).items()
    if isinstance(obj, type) and issubclass(obj, msgspec.Struct) and obj is not schemas.Wire}
_STRUCTS["ErrorResponse"] = ErrorResponse

CLAIM = "/v1/claims/{claim_id}"
# (path, method, status) of each response that returns a claim -> the operations it leads to.
_SOURCES = (("/v1/claims", "post", "201"), (CLAIM, "get", "200"), (CLAIM, "patch", "200"))
_TARGETS = (  # (link name, path, method, whether it takes the version as If-Match)
    ("GetClaim", CLAIM, "get", False),
    ("UpdateClaim", CLAIM, "patch", True),
    ("RetractClaim", CLAIM, "delete", True),
    ("ClaimHistory", CLAIM + "/history", "get", False),
)


def use_msgspec_schemas(app: Litestar) -> None:
    """Replace the component schemas of our Structs with msgspec's exact JSON Schema."""
    components = app.openapi_schema.components
    found = [_STRUCTS[name] for name in (components.schemas or {}) if name in _STRUCTS]
    _, definitions = msgspec.json.schema_components(found, ref_template="#/components/schemas/{name}")
    components.schemas = {**(components.schemas or {}), **definitions}  # type: ignore[dict-item]


def add_claim_links(app: Litestar) -> None:
    """Add `links` to the responses that return a claim (id from the body, version from ETag)."""
    paths = app.openapi_schema.paths or {}
    for path, method, status in _SOURCES:
        response = getattr(paths[path], method).responses[status]
        links = dict(response.links or {})
        for name, target_path, target_method, versioned in _TARGETS:
            target = getattr(paths[target_path], target_method)
            parameters = {"path.claim_id": "$response.body#/id"}
            if versioned:
                parameters["header.If-Match"] = "$response.header.ETag"
            links[name] = Link(operation_id=target.operation_id, parameters=parameters)
        response.links = links


def headers_are_never_null(app: Litestar) -> None:
    """An optional header is absent, never `null`: drop the null branch Litestar
    adds for `str | None` header parameters."""
    for item in (app.openapi_schema.paths or {}).values():
        for method in ("get", "post", "patch", "delete", "put"):
            operation = getattr(item, method)
            for parameter in (operation.parameters if operation else None) or []:
                schema = getattr(parameter, "schema", None)
                if parameter.param_in != "header" or schema is None or not schema.one_of:
                    continue
                branches = [b for b in schema.one_of if getattr(b, "type", None) != OpenAPIType.NULL]
                if len(branches) == 1:
                    # The constraints sit beside oneOf; keep them on the string.
                    parameter.schema = replace(schema, one_of=None, type=branches[0].type)


def finish_openapi(app: Litestar) -> None:
    use_msgspec_schemas(app)
    headers_are_never_null(app)
    add_claim_links(app)
