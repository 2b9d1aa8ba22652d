"""OpenAPI links between the claim endpoints, so clients and stateful API fuzzers
(schemathesis) know that a created claim's id and ETag feed the other calls."""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import Link

CLAIM = "/v1/claims/{claim_id}"
# (path, method, status) of each response that yields a claim -> the operations it leads to.
_SOURCES = (("/v1/claims", "post", "201"), (CLAIM, "get", "200"), (CLAIM, "patch", "200"))
_TARGETS = (  # (link name, path, method, whether it takes the version as If-Match)
    ("GetClaim", CLAIM, "get", False),
    ("UpdateClaim", CLAIM, "patch", True),
    ("RetractClaim", CLAIM, "delete", True),
    ("ClaimHistory", CLAIM + "/history", "get", False),
)


def add_claim_links(app: Litestar) -> None:
    """Add `links` to the responses that return a claim (id from the body, version from ETag)."""
    paths = app.openapi_schema.paths or {}
    for path, method, status in _SOURCES:
        operation = getattr(paths[path], method)
        response = operation.responses[status]
        links = dict(response.links or {})
        for name, target_path, target_method, versioned in _TARGETS:
            target = getattr(paths[target_path], target_method)
            parameters = {"path.claim_id": "$response.body#/id"}
            if versioned:
                parameters["header.If-Match"] = "$response.header.ETag"
            links[name] = Link(operation_id=target.operation_id, parameters=parameters)
        response.links = links
