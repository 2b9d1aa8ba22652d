"""Apply parsed import rows to the store, in batches or all at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import msgspec

from claimnotes.importers import ImportRow
from claimnotes.schemas import ClaimIn, ImportProblem, ImportReport
from claimnotes.store import ClaimStore, text_claim_id

BATCH_SIZE = 500
"""Rows per transaction: large enough to be fast, small enough that a killed
import loses little and readers' snapshots stay fresh."""

_CONTENT_FIELDS = tuple(f for f in ClaimIn.__struct_fields__ if f != "id")


class _Counts:
    def __init__(self) -> None:
        self.created = self.updated = self.skipped = 0
        self.errors: list[ImportProblem] = []


def _apply_one(store: ClaimStore, claim: ClaimIn, author: str, counts: _Counts) -> None:
    claim_id = claim.id or text_claim_id(claim.text)
    existing = store.find_in_tx(claim_id)
    if existing is None:
        store.create_in_tx(claim, author, claim_id=claim_id)
        counts.created += 1
        return
    changes = {f: getattr(claim, f) for f in _CONTENT_FIELDS}
    if store.replace_in_tx(existing, changes, author) is existing:
        counts.skipped += 1
    else:
        counts.updated += 1


def apply_rows(store: ClaimStore, rows: Iterable[ImportRow], author: str, *,
               atomic: bool = False, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update a claim for each good row; report bad rows with their line.

    Claims are keyed by id, or by their text when they come without one, so the
    same file imported twice updates and never duplicates. Non-atomic imports
    commit every BATCH_SIZE rows: a killed import leaves whole batches, and a
    rerun completes it. With `atomic`, one bad row aborts the whole import; with
    `dry_run`, everything is rolled back at the end.
    """
    counts = _Counts()

    class _Rollback(Exception):
        pass

    def run_batch(batch: list[ImportRow]) -> None:
        for row in batch:
            if row.claim is None:
                counts.errors.append(ImportProblem(line=row.line, detail=row.error or "Invalid row."))
                continue
            try:
                with store.savepoint():
                    _apply_one(store, row.claim, author, counts)
            except (msgspec.ValidationError, ValueError) as exc:
                counts.errors.append(ImportProblem(line=row.line, detail=str(exc)))
            except Exception as exc:  # a domain error on one row must not stop the rest
                detail = getattr(exc, "detail", None) or type(exc).__name__
                counts.errors.append(ImportProblem(line=row.line, detail=detail))

    def flush(batch: list[ImportRow]) -> None:
        with store.transaction():
            run_batch(batch)

    done = 0
    batch: list[ImportRow] = []
    try:
        if atomic or dry_run:
            with store.transaction():
                rows = list(rows)
                run_batch(rows)
                done = len(rows)
                if dry_run or (atomic and counts.errors):
                    raise _Rollback
        else:
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    flush(batch)
                    done += len(batch)
                    batch = []
                    if progress:
                        progress(done)
            if batch:
                flush(batch)
                done += len(batch)
    except _Rollback:
        pass
    if progress:
        progress(done)
    rolled_back = atomic and bool(counts.errors)
    return ImportReport(
        created=0 if rolled_back else counts.created,
        updated=0 if rolled_back else counts.updated,
        skipped=counts.skipped, errors=counts.errors, dry_run=dry_run)
