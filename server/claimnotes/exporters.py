"""Exporters: the store as our own JSONL (round-trips through import)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import msgspec

from claimnotes.schemas import Claim

_encoder = msgspec.json.Encoder()


def export_jsonl(claims: Iterable[Claim]) -> Iterator[bytes]:
    """One JSON object per line, every field included."""
    for claim in claims:
        yield _encoder.encode(claim) + b"\n"


EXPORTERS = {"jsonl": (export_jsonl, "application/x-ndjson")}
