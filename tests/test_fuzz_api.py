"""Schemathesis fuzzes the real server against its own /schema/openapi.json.

Per endpoint and stateful (following the OpenAPI links from a created claim to
GET/PATCH/DELETE/history): no response is a 5xx and every response conforms to
the schema. The default budget is small; CLAIMNOTES_FUZZ_EXAMPLES raises it for
a deep run, e.g. `CLAIMNOTES_FUZZ_EXAMPLES=500 pytest tests/test_fuzz_api.py`.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.errors import FlakyStrategyDefinition
from hypothesis.stateful import run_state_machine_as_test
from litestar.serialization import encode_json
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from support import LiveServer
from claimnotes import create_app
from claimnotes.settings import Settings

CLAIM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")
EXAMPLES = int(os.environ.get("CLAIMNOTES_FUZZ_EXAMPLES", "25"))
STATEFUL_EXAMPLES = max(5, EXAMPLES // 3)
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("CLAIMNOTES_FUZZ_EXAMPLES"),
                         suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    seed = Path(request.config.rootpath) / "fixtures" / "claims.jsonl"
    server = LiveServer(Settings(db_path=str(tmp / "fuzz.db"), seed_file=str(seed),
                                 match_rate_limit=0, curator_rate_limit=0)).start()
    server.curator_headers = {"Authorization": f"Bearer {server.token('curator', 'fuzzer')}"}
    yield server
    server.stop()


# The document the app serves at /schema/openapi.json, built at import so that
# schemathesis can parametrize at collection time (its from_fixture loader breaks
# on pytest 9: it reads the removed Function._nodeid). test_schema_is_served
# checks that the live server serves exactly this document.
RAW_SCHEMA = json.loads(encode_json(
    create_app(Settings(db_path=":memory:", seed=False)).openapi_schema.to_schema()))
# Refusing a too-large body with 413 is a correct rejection of invalid data too.
# The bearer token is sent on every call (below), so schemathesis must not
# generate its own Authorization headers.
CONFIG = SchemathesisConfig.from_dict({
    "checks": {
        "negative_data_rejection": {
            "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]},
        # A PATCH without a version gets 428 (If-Match is optional only because
        # the version may come in the body instead).
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", 401, 403, 404, 409, 428, 429]},
    },
    "generation": {"with-security-parameters": False},
})
schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=CONFIG)


@pytest.fixture(scope="module")
def api_schema():
    return schema


def test_schema_is_served(fuzz_server):
    assert fuzz_server.client.get("/schema/openapi.json").json() == RAW_SCHEMA


# Inputs that are valid by the schema but refused on meaning, so a 4xx is right:
# import bodies are files in one of several formats; a cursor is opaque; a
# preview needs a claim_id or a text (the schema can't say "one of"); a PATCH
# may name the version twice (If-Match and body), and they must agree.
SEMANTIC_INPUT = {("POST", "/v1/import"), ("POST", "/v1/claims/preview")}


def excluded_checks(case) -> list:
    excluded = [checks.allow_header_conformance]  # Litestar's automatic OPTIONS; see SECURITY.md
    body = case.body if isinstance(case.body, dict) else {}
    disagree = case.method == "PATCH" and "version" in body and (case.headers or {}).get("If-Match")
    if (case.method, case.path) in SEMANTIC_INPUT or (case.query or {}).get("cursor") or disagree:
        excluded.append(checks.positive_data_acceptance)
    if case.path == "/v1/export":
        # The body is JSONL or JSON-LD by ?format, documented as one media type.
        excluded.append(checks.content_type_conformance)
    return excluded


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_endpoint(case, fuzz_server):
    """Each operation on its own: no 5xx, status codes, content types, headers and
    bodies as documented."""
    case.call_and_validate(base_url=fuzz_server.url, headers=fuzz_server.curator_headers, timeout=30,
                           excluded_checks=excluded_checks(case))


def test_stateful_links(fuzz_server, api_schema):
    """Sequences of calls that follow the links (create -> read/edit/retract/history)."""
    links = RAW_SCHEMA["paths"]["/v1/claims"]["post"]["responses"]["201"]["links"]
    assert {"GetClaim", "UpdateClaim", "RetractClaim", "ClaimHistory"} <= set(links)

    created = itertools.count()
    observed: list[tuple[str, str, int]] = []

    class Machine(api_schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case):
            # The server outlives each example: a claim id the fuzzer picks again
            # would get 409 the second time, a different answer to the same
            # data, which Hypothesis reports as flaky data generation. Keep
            # every valid id unique.
            body = case.body
            if (case.method, case.path) == ("POST", "/v1/claims") and isinstance(body, dict) \
                    and isinstance(body.get("id"), str) and CLAIM_ID.match(body["id"]):
                body["id"] = f"{body['id'][:60]}-{next(created)}"

        def get_call_kwargs(self, case):
            return {"base_url": fuzz_server.url, "headers": fuzz_server.curator_headers, "timeout": 30}

        def after_call(self, response, case):
            observed.append((case.method, case.path, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, additional_checks=additional_checks,
                                   excluded_checks=excluded_checks(case), transport_kwargs=kwargs)

    try:
        run_state_machine_as_test(Machine, settings=settings(
            FUZZ_SETTINGS, max_examples=STATEFUL_EXAMPLES, stateful_step_count=8))
    except FlakyStrategyDefinition:
        # The server's state outlives each example, so on long runs Hypothesis
        # can see the same draws lead to different rules and stop; this says
        # nothing about the API (schemathesis's own runner ignores it too).
        # Every answer seen up to then is still checked below.
        pass
    assert len(observed) >= STATEFUL_EXAMPLES
    assert not [call for call in observed if call[2] >= 500]
    # The links were followed: claims were created and then read or changed.
    assert ("POST", "/v1/claims", 201) in observed
    assert any(path.startswith("/v1/claims/{claim_id}") and status < 300 for _, path, status in observed)
    # The fuzzer left the server healthy and the store consistent.
    health = fuzz_server.client.get("/v1/health")
    assert health.status_code == 200
    store = fuzz_server.store()
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()
