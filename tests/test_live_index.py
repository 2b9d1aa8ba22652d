"""The server's in-memory index over a real SQLite store: what it does besides matching."""

from __future__ import annotations

import gc

from claimnotes.live_index import LiveIndex
from claimnotes.schemas import ClaimIn, Source
from claimnotes.store import ClaimStore


def new_claim(i: int) -> ClaimIn:
    return ClaimIn(text=f"Zorblax{i} causes quintessential flibber{i} syndrome.", rating="false",
                   note="A made-up claim for a test.", sources=[Source(url="https://example.org/", title="x")])


def test_a_rebuilt_index_is_taken_out_of_the_collectors_rounds(tmp_path) -> None:
    # A full collection walks every tracked object (10-30 ms once the libraries and an
    # index are loaded), so after each (re)build the live objects are frozen.
    store = ClaimStore.open(str(tmp_path / "claims.db"))
    store.create(new_claim(0), "test")
    live = LiveIndex()
    try:
        gc.unfreeze()
        live.load(store)
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        store.create(new_claim(1), "test")      # one claim: added without a rebuild...
        live.follow(store)
        assert gc.get_freeze_count() == 0       # ...so no full collection either
        for i in range(2, 400):                 # a batch: rebuilt once, then frozen again
            store.create(new_claim(i), "test")
        live.follow(store)
        assert gc.get_freeze_count() > 0
        text = new_claim(7).text
        assert [card.text for _, card in live.match(store, [("b", text)])[0]] == [text]
    finally:
        gc.unfreeze()
        store.close()
