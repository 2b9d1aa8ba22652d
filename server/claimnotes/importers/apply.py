"""Apply parsed import rows to the store, in batches or all at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from typing import Any

import msgspec

from claimnotes.importers import ImportRow
from claimnotes.importers.review import NEEDS_NOTE
from claimnotes.matcher import DEFAULT_THRESHOLD, ClaimIndex, match_blocks
from claimnotes.schemas import Claim, ClaimIn, ImportProblem, ImportReport, NearDuplicate
from claimnotes.store import ClaimStore, review_claim_id, text_claim_id

BATCH_SIZE = 500
"""Rows per transaction: large enough to be fast, small enough that a killed
import loses little and readers' snapshots stay fresh."""

MAX_SOURCES = 10
MAX_VARIANTS = 50

_CONTENT_FIELDS = tuple(f for f in ClaimIn.__struct_fields__ if f != "id")


class _Counts:
    def __init__(self) -> None:
        self.created = self.updated = self.skipped = self.merged = 0
        self.errors: list[ImportProblem] = []
        self.duplicates: list[NearDuplicate] = []


class NearDuplicates:
    """Finds, for new claims, claims published *before* the import that they repeat.

    A near-duplicate is a new claim text in which the matcher would highlight an
    existing claim (match_blocks at the serving threshold), so "near" means what
    readers would see. Texts are checked a batch at a time (one match_blocks call
    per BATCH_SIZE rows). The index is built once, lazily (an import that only
    updates builds none), from the claims published when the import started:
    rows of the same file are not compared with each other.
    """

    def __init__(self, store: ClaimStore, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.store = store
        self.threshold = threshold
        self._index: ClaimIndex | None = None

    def check(self, texts: Sequence[tuple[str, str]]) -> dict[str, tuple[str, float]]:
        """{key: (existing claim id, score)} for each (key, text) that repeats a claim."""
        if not texts:
            return {}
        if self._index is None:
            self._index = ClaimIndex.build((c.id, [c.text, *c.variants]) for c in self.store.published())
        if not len(self._index):
            return {}
        best: dict[str, tuple[str, float]] = {}
        for m in match_blocks(texts, self._index, threshold=self.threshold):
            if m.block_id not in best or m.score > best[m.block_id][1]:
                best[m.block_id] = (m.claim_id, m.score)
        return best


def _merged_sources(first: Iterable[Any], then: Iterable[Any]) -> list[Any]:
    out, seen = [], set()
    for source in [*first, *then]:
        if source.url not in seen and len(out) < MAX_SOURCES:
            seen.add(source.url)
            out.append(source)
    return out


def _changes(existing: Claim, claim: ClaimIn, external: bool) -> dict[str, Any]:
    """What a re-import writes over an existing claim.

    Our own rows are whole claims and replace every field. A fact-checker's
    review owns only its text, verdict, review details and its source, so a
    re-import tomorrow updates those and keeps what curators added: variants,
    tags, status, extra sources, and the note once a curator has written one
    (a note we built from the verdict never overwrites one).
    """
    if not external:
        return {f: getattr(claim, f) for f in _CONTENT_FIELDS}
    changes: dict[str, Any] = {"text": claim.text, "lang": claim.lang,
                               "sources": _merged_sources(claim.sources, existing.sources)}
    if claim.review is not None:
        changes["review"] = claim.review
    if claim.rating != "other" or claim.rating_text:  # a row without a verdict keeps ours
        changes["rating"], changes["rating_text"] = claim.rating, claim.rating_text
    if NEEDS_NOTE not in claim.tags:
        changes["note"] = claim.note
    return changes


def _merge(store: ClaimStore, target: Claim, claim: ClaimIn, author: str) -> bool:
    """Add `claim` to `target` as a variant and a source; False if it was there already."""
    known = {t.casefold() for t in (target.text, *target.variants)}
    variants = list(target.variants)
    if claim.text.casefold() not in known and len(variants) < MAX_VARIANTS:
        variants.append(claim.text)
    after = store.replace_in_tx(
        target, {"variants": variants, "sources": _merged_sources(target.sources, claim.sources)}, author)
    return after is not target


def _target(store: ClaimStore, row: ImportRow) -> tuple[str, Claim | None]:
    """The id a row's claim has or gets, and the stored claim it updates, if any."""
    claim = row.claim
    assert claim is not None
    existing = store.find_by_review_in_tx(row.key) if row.key else None
    if existing is not None:
        return existing.id, existing
    claim_id = claim.id or (review_claim_id(row.key) if row.key else text_claim_id(claim.text))
    return claim_id, store.find_in_tx(claim_id)


def _apply_one(store: ClaimStore, row: ImportRow, author: str, counts: _Counts,
               similar: tuple[str, float] | None, merge: bool, new_status: str | None) -> None:
    claim = row.claim
    assert claim is not None
    claim_id, existing = _target(store, row)
    if existing is None:
        if similar is not None:
            counts.duplicates.append(NearDuplicate(line=row.line, claim_id=claim_id,
                                                   existing_id=similar[0], score=round(similar[1], 1)))
            target = store.find_in_tx(similar[0]) if merge else None
            if target is not None:
                if _merge(store, target, claim, author):
                    counts.merged += 1
                else:
                    counts.skipped += 1
                return
        if new_status is not None:
            claim = msgspec.structs.replace(claim, status=new_status)
        store.create_in_tx(claim, author, claim_id=claim_id)
        counts.created += 1
        return
    if store.replace_in_tx(existing, _changes(existing, claim, row.external), author) is existing:
        counts.skipped += 1
    else:
        counts.updated += 1


def apply_rows(store: ClaimStore, rows: Iterable[ImportRow], author: str, *,
               atomic: bool = False, dry_run: bool = False, merge: bool = False,
               check_duplicates: bool = True, new_status: str | None = None,
               progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update a claim for each good row; report bad rows with their line.

    Claims are keyed by their review URL (ClaimReview rows), else by id, else by
    their text, so the same file imported twice updates and never duplicates.
    A new claim that repeats a published one is reported in `duplicates`; with
    `merge` it is added to that claim as a variant and a source instead.
    `new_status` (e.g. "draft") overrides the status of the claims created, so
    that a curator can review a large import before readers see it.
    Non-atomic imports commit every BATCH_SIZE rows: a killed import leaves
    whole batches, and a rerun completes it. With `atomic`, one bad row aborts
    the whole import; with `dry_run`, everything is rolled back at the end.
    """
    counts = _Counts()
    near = NearDuplicates(store) if check_duplicates else None

    class _Rollback(Exception):
        pass

    def run_batch(batch: list[ImportRow]) -> None:
        new = [(str(i), row.claim.text) for i, row in enumerate(batch)
               if near and row.claim is not None and _target(store, row)[1] is None]
        similar = near.check(new) if near else {}
        for i, row in enumerate(batch):
            if row.claim is None:
                counts.errors.append(ImportProblem(line=row.line, detail=row.error or "Invalid row."))
                continue
            try:
                with store.savepoint():
                    _apply_one(store, row, author, counts, similar.get(str(i)), merge, new_status)
            except (msgspec.ValidationError, ValueError) as exc:
                counts.errors.append(ImportProblem(line=row.line, detail=str(exc)))
            except Exception as exc:  # a domain error on one row must not stop the rest
                detail = getattr(exc, "detail", None) or type(exc).__name__
                counts.errors.append(ImportProblem(line=row.line, detail=detail))

    def batches() -> Iterator[list[ImportRow]]:
        batch: list[ImportRow] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch

    done = 0
    whole = atomic or dry_run
    try:
        # One transaction around everything, or one per batch.
        with store.transaction() if whole else nullcontext():
            for batch in batches():
                with nullcontext() if whole else store.transaction():
                    run_batch(batch)
                done += len(batch)
                if progress:
                    progress(done)
            if dry_run or (atomic and counts.errors):
                raise _Rollback
    except _Rollback:
        pass
    if progress:
        progress(done)
    rolled_back = atomic and bool(counts.errors)
    return ImportReport(
        created=0 if rolled_back else counts.created,
        updated=0 if rolled_back else counts.updated,
        merged=0 if rolled_back else counts.merged,
        skipped=counts.skipped, errors=counts.errors, duplicates=counts.duplicates, dry_run=dry_run)
