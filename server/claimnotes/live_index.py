"""The process's in-memory claim index, kept in step with the database.

Each worker process owns one LiveIndex. Before every match it reads
``store_version`` (one indexed SELECT) and, if another process or request has
written since, applies just the changed claims. So a curator's change reaches
every worker on its next request, and within this process it is visible as
soon as the write's response is sent.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Sequence
from datetime import date

from claimnotes.claim_dates import stated_day
from claimnotes.matcher import ClaimIndex, Match, find_similar, match_blocks
from claimnotes.schemas import Claim, ClaimCard
from claimnotes.semantic import Embedder, SemanticIndex
from claimnotes.store import ClaimStore


def _settle_gc() -> None:
    """Take what lives now (the libraries, the index) out of the cyclic collector's
    rounds: otherwise a full collection walks it every dozen or so requests, 10-30 ms
    each (docs/benchmarks.md, "Matching speed"). Called after a (re)build, with one
    full collection first so that no garbage is frozen, and unfrozen first so that
    what the previous freeze kept is collected if it died in a cycle since."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _stated(claim: Claim) -> date | None:
    """The day the claim was made, if its fact-check says so in a form we read."""
    return stated_day(claim.review.claim_date) if claim.review else None


def _author(claim: Claim) -> str:
    """Who made the claim, if its fact-check says; interned: a few names make most claims."""
    return sys.intern(claim.review.claim_author) if claim.review and claim.review.claim_author else ""


def claim_card(claim: Claim) -> ClaimCard:
    return ClaimCard(id=claim.id, text=claim.text, rating=claim.rating, rating_text=claim.rating_text,
                     note=claim.note, sources=claim.sources, updated_at=claim.updated_at)


# Claim ids can't start with a NUL, so the preview never collides with a real claim.
PREVIEW_ID = "\x00preview"


class LiveIndex:
    """A ClaimIndex plus the reader-facing cards of the claims it holds."""

    def __init__(self, *, semantic: bool = False) -> None:
        # The matcher's index is not thread-safe, and a match must see one
        # consistent store version, so reads and updates share one lock.
        self._lock = threading.Lock()
        self._index = ClaimIndex.build([])
        # The optional embedding stage for similar(); loading the model fails at
        # once, with the install hint, when the `semantic` extra is missing.
        self._embedder = Embedder() if semantic else None
        self._semantic: SemanticIndex | None = None
        self._cards: dict[str, ClaimCard] = {}
        self._stated: dict[str, date] = {}  # claim id -> the day it was made, for similar(said_on=)
        self._authors: dict[str, str] = {}  # claim id -> who made it, for similar(said_by=)
        self.version = -1

    def load(self, store: ClaimStore) -> None:
        """Build the index from every published claim."""
        with self._lock, store.snapshot():
            version = store.store_version()
            claims = list(store.published())
            self._index = ClaimIndex.build((c.id, [c.text, *c.variants]) for c in claims)
            if self._embedder is not None:
                self._semantic = SemanticIndex.build(((c.id, [c.text, *c.variants]) for c in claims),
                                                     self._embedder)
            self._cards = {c.id: claim_card(c) for c in claims}
            self._stated = {c.id: day for c in claims if (day := _stated(c))}
            self._authors = {c.id: author for c in claims if (author := _author(c))}
            self.version = version
            _settle_gc()

    def follow(self, store: ClaimStore) -> None:
        """Apply the claims written since our version, if any."""
        if store.store_version() == self.version:
            return
        with self._lock:
            self._catch_up(store)

    def _catch_up(self, store: ClaimStore) -> None:
        with store.snapshot():
            version = store.store_version()
            if version == self.version:
                return
            upserts: list[tuple[str, list[str]]] = []
            removals: list[str] = []
            for claim in store.changed_since(self.version):
                self._stated.pop(claim.id, None)
                self._authors.pop(claim.id, None)
                if claim.status == "published":
                    upserts.append((claim.id, [claim.text, *claim.variants]))
                    self._cards[claim.id] = claim_card(claim)
                    if day := _stated(claim):
                        self._stated[claim.id] = day
                    if author := _author(claim):
                        self._authors[claim.id] = author
                elif claim.id in self._cards:
                    removals.append(claim.id)
                    del self._cards[claim.id]
            # One batch: the index is rebuilt at most once, not once per few hundred claims.
            rebuilds = self._index.rebuilds
            self._index.update(upserts, removals)
            if self._index.rebuilds != rebuilds:
                _settle_gc()
            if self._semantic is not None:
                self._semantic.update(upserts, removals)
            self.version = version

    def match(self, store: ClaimStore, blocks: Sequence[tuple[str, str]], *,
              explain: bool = False) -> tuple[list[tuple[Match, ClaimCard]], int]:
        """Matches with their claims, and the store version they were computed at."""
        with self._lock:
            self._catch_up(store)
            found = match_blocks(blocks, self._index, explain=explain)
            return [(m, self._cards[m.claim_id]) for m in found], self.version

    def preview(self, store: ClaimStore, texts: Sequence[str], blocks: Sequence[tuple[str, str]], *,
                replacing: str | None = None) -> list[Match]:
        """What a claim worded as `texts` would match in `blocks`, scored against the
        whole live index (so rarity weights are the real ones). `replacing` names a
        published claim that the preview stands in for while it runs."""
        with self._lock:
            self._catch_up(store)
            restore = store.find(replacing) if replacing in self._cards else None
            if restore is not None:
                self._index.remove(restore.id)
            self._index.upsert(PREVIEW_ID, texts)
            try:
                found = match_blocks(blocks, self._index, explain=True)
            finally:
                self._index.remove(PREVIEW_ID)
                if restore is not None:
                    self._index.upsert(restore.id, [restore.text, *restore.variants])
            return [m for m in found if m.claim_id == PREVIEW_ID]

    def similar(self, store: ClaimStore, text: str, limit: int, said_on: date | None = None,
                said_by: str | None = None) -> list[tuple[ClaimCard, float]]:
        """find_similar over the published claims; with ``said_on``, claims made later are
        left out and recent ones favoured (their days from review.claim_date); with
        ``said_by``, claims made by that person (review.claim_author) are favoured."""
        with self._lock:
            self._catch_up(store)
            found = find_similar(text, self._index, limit=limit, semantic=self._semantic,
                                 said_on=said_on, stated=self._stated, said_by=said_by,
                                 authors=self._authors)
            return [(self._cards[cid], score) for cid, score in found]

    def __len__(self) -> int:
        return len(self._cards)
