"""Pure claim matching: text in, Match structs out (see docs/matching.md).

Pipeline for a page:

1. Each block is tokenized once (textnorm.tokenize: normal forms plus original
   spans) and split into sentences (sentences.split_sentences); sentences longer
   than ``WINDOW_WORDS`` words are cut into overlapping windows. Each such unit
   becomes a bag of *terms*: content words, canonicalised (synonyms, stemmer)
   (terms.py).
2. Retrieval (claim_index.py): every claim text (text or variant, an *entry*) is filed under its
   rarest terms (its *keys*, chosen to hold ``KEY_FRACTION`` of its IDF weight).
   One sparse product (units x buckets) @ (buckets x entries) gives, per unit and
   entry, the key weight the unit contains. An entry whose key weight is below
   ``key_weight - (1 - MIN_COVERAGE) * total_weight`` cannot reach
   ``MIN_COVERAGE`` (a hard gate of the scorer), so pruning it loses nothing.
3. Verification: the word-level aligner (aligner.py) finds the window of the unit
   that best covers the entry's terms and scores it (coverage, density, order)
   with guards for names, numbers and negation.
4. Sentences with a subject pronoun are also scored with the pronoun replaced by a
   name written before it on the page (pronouns.py), and a sentence that says a
   claim in a construction its plain words get wrong also as a claim would say it
   (readings.py: "X, not Y" as X; "X means no Y" as "X prevents Y"; set phrases).
5. Per block: first span per claim, overlaps resolved (the more specific claim
   first, then by score), UTF-16 offsets.

``find_similar`` (similar.py) ranks claims for one text without a threshold.
``reference_match_blocks`` runs step 3 against every entry (no retrieval): the
simple loop the fast path is tested against.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from itertools import chain
from operator import itemgetter

import msgspec

from claimnotes.aligner import align, align_units
from claimnotes.claim_index import ClaimIndex, Retrieval, bucket
from claimnotes.complete import COMPLETE_BONUS, lifted
from claimnotes.narrowing import narrowed, superlative
from claimnotes.pronouns import PRONOUNS, Name, carried_by_sentence, names_in, pronoun_at, with_names
from claimnotes.readings import readings
from claimnotes.similar import find_similar
from claimnotes.terms import BlockUnits, Unit, sentence_units
from claimnotes.textnorm import Utf16Map
from claimnotes.unasserted import (Claim, after_quote, may_run_into_clause, may_unassert, names_only, runs_into_clause,
                                   unasserted)

__all__ = ["DEFAULT_THRESHOLD", "ClaimIndex", "Match", "find_similar", "match_blocks",
           "reference_match_blocks"]

DEFAULT_THRESHOLD: float = 62.0
"""Score a span needs to be returned. Chosen on the labelled pages and CheckThat!
train splits (docs/benchmarks.md): lower lets paraphrases through at the cost of
false highlights."""

SPECIFIC_FLOOR = 55.0   # a more specific claim scoring this much (even under the threshold)
                        # still hides a general claim inside its span: the sentence most
                        # likely makes the specific claim in other words ("in Columbus's day
                        # most people believed the earth was flat" is not "The Earth is flat")
# A claim of two content words ("Koalas are bears.", "covid is just the flu") is not made
# by a page that only names both things, side by side or joined by one of these ("koala
# bear plushies", "covid and flu cases are rising"): every claim text of two words puts a
# verb or a function word between them ("is", "are", "never", "in").
COORDINATORS = frozenset("and or nor & plus vs versus".split())
# Nor is it made where a place narrows the first word before the verb: "the earth in our
# backyard is flat" (_names_only_both).
PLACES = frozenset("in on at from near behind under inside outside around".split())
COPULAS = frozenset("is are was were be been".split())
OWN_SHARE = 2  # see _own_terms
SPECIFICITY_BONUS = 5.0  # when spans overlap, rank = score + this * matched terms
CACHE_SIZE = 20_000    # sentences whose results are kept (cleared on every index change)


class Match(msgspec.Struct, frozen=True, kw_only=True):
    block_id: str
    start: int            # offset into the block's text in UTF-16 code units
    end: int
    quote: str            # == block_text[start:end] in UTF-16 terms
    score: float          # 0..100
    claim_id: str
    parts: dict[str, float] | None = None   # score parts, only when explain=True



# ---------------------------------------------------------------- matching

Result = tuple[str, int, int, float, dict[str, float]]
# (claim id, first token, last token, score, parts): one claim's best window in a unit


def _results(units: Sequence[Unit], candidates: Iterable[Iterable[int]], index: ClaimIndex,
             threshold: float) -> list[list[Result]]:
    """Each unit's results (``_unit_results``) against its candidate entries: compiled
    (aligner.align_units, the same loop in one call), or the Python loop."""
    own = index._owncache   # _own_terms per claim: one call until the index changes
    if align_units is not None:
        out = align_units(units, candidates, index._entries, index._wcache, index._entry_weights, own,
                          partial(_own_terms, index), _names_only_both, threshold)
    else:
        out = [_unit_results(u, ids, index, threshold, own) for u, ids in zip(units, candidates)]
    # the key (the unit's normal forms, joined) first: one substring test in C, and most
    # units have no word with "est" in it
    return [_unnarrowed(u, res, index) if res and "est" in u.key and _has_superlative(u) else res
            for u, res in zip(units, out)]


def _has_superlative(unit: Unit) -> bool:
    return any(t is not None and t.endswith("est") and superlative(t) for t in unit.termset)


def _unnarrowed(unit: Unit, results: list[Result], index: ClaimIndex) -> list[Result]:
    """``results`` less those whose window narrows a superlative of their claim
    (narrowing.py: "the largest hot desert" is not "the largest desert")."""
    entries = index._entries
    texts = {claim: [entries[e].terms for e in index._by_claim.get(claim, ()) if entries[e] is not None]
             for claim in {r[0] for r in results}}
    return [r for r in results if not narrowed(unit, r[1], r[2], texts[r[0]])]


def _unit_results(unit: Unit, entry_ids: Iterable[int], index: ClaimIndex, threshold: float,
                  own: dict[str, set[str]]) -> list[Result]:
    """Per claim, the best window of the unit over the given entries (``own``: _own_terms
    per claim, filled as claims come up)."""
    best: dict[str, Result] = {}
    entries, weights = index._entries, index._wcache
    for e_id in entry_ids:
        entry = entries[e_id]
        if entry is None:
            continue
        weight = weights.get(e_id)
        if weight is None:
            weight = index._entry_weights(e_id, entry)
        claim = entry.claim
        prev = best.get(claim)
        # Another text of a claim already found here must reach its score to replace it:
        # align's bound cuts the texts that cannot (a None below the floor scores less).
        found = align(unit, entry, weight, threshold if prev is None else prev[3])
        if found is None or found[0] < threshold:
            continue
        score, i, j, parts = found
        if len(weight) == 2 and i < j and _names_only_both(unit, i, j):   # weight: one key per term
            continue
        needed = own.get(claim)
        if needed is None:
            needed = own[claim] = _own_terms(index, claim)
        if needed and not needed.issubset(unit.terms[i:j + 1]):
            continue
        if prev is None or score > prev[3] or (score == prev[3] and (j - i) < (prev[2] - prev[1])):
            best[claim] = (claim, i, j, score, parts)
    return list(best.values())


def _names_only_both(unit: Unit, i: int, j: int) -> bool:
    """A span of a two-word claim text that does not say the second word of the first:
    the two side by side or joined by a coordinator ("koala bear plushies", "covid and flu
    cases"), each in its own conjunct with no copula between ("covid vaccine and your flu
    vaccine"), or the first placed somewhere before the verb that joins them ("the earth in
    our backyard is finally flat" is soil, not the planet; "no gravity in outer space"
    has no such verb and stays)."""
    between = unit.tokens[i + 1:j]
    if all(t.norm in COORDINATORS for t in between):
        return True
    # Each word in its own conjunct, with no verb that joins them: "your COVID-19 vaccine
    # and your annual flu vaccine" names two jabs ("bats and owls are blind" has its "are").
    if any(t.norm in COORDINATORS for t in between) and not any(t.norm in COPULAS for t in between):
        return True
    return (between[0].norm in PLACES and any(t is not None for t in unit.terms[i + 2:j])
            and any(t.norm in COPULAS for t in between))


def _own_terms(index: ClaimIndex, claim: str) -> set[str]:
    """The claim's own words: in every text of the claim (two or more), and in few others
    (at most ``OWN_SHARE`` times as many texts as the claim has). A span without one states
    something else on the same subject ("Mercury is the closest planet to the Sun" is not
    "Mercury is the hottest planet"); a word many claims share ("cancer") is the topic, which
    pages often name in other words ("tumour"), so it is not required."""
    ids = index._by_claim.get(claim, ())
    if len(ids) < 2:
        return set()
    terms = set.intersection(*(set(index._entries[e].terms) for e in ids))  # type: ignore[union-attr]
    return {t for t in terms if index._df[bucket(t)] <= OWN_SHARE * len(ids)}


def _texts(index: ClaimIndex, claim: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The terms and the names of a claim's texts (complete.py)."""
    entries = index._entries
    return [(e.terms, e.names) for e in map(entries.__getitem__, index._by_claim.get(claim, ())) if e is not None]


def _claim_of(index: ClaimIndex, claim: str) -> Claim:
    """Whether a text of the claim is negated, and the terms of all its texts (unasserted.py);
    kept per claim until the index changes."""
    facts = index._claimcache.get(claim)
    if facts is None:
        entries = [e for e in map(index._entries.__getitem__, index._by_claim.get(claim, ())) if e is not None]
        facts = index._claimcache[claim] = any(e.neg for e in entries), {t for e in entries for t in e.terms}
    return facts


def _texts_of(index: ClaimIndex, claim: str) -> list[tuple[str, ...]]:
    """The terms of each text of the claim (unasserted.runs_into_clause)."""
    return [terms for terms, _ in _texts(index, claim)]


def _names_only(unit: Unit, f: Result) -> bool:
    """Whether the span of ``f`` only names two of its claim's words and misses the rest
    (unasserted.names_only)."""
    return f[4]["coverage"] < 1.0 and names_only(unit, f[1], f[2], f[4]["terms"])


def _asserted(text: str, unit: Unit, results: list[Result], index: ClaimIndex) -> list[Result]:
    """``results`` less the spans that do not assert their claim (unasserted.py); the
    unit's gates are asked once, and most units pass them."""
    if not results:
        return results
    gate, clause = may_unassert(text, unit), may_run_into_clause(text, unit)
    return [f for f in results
            if not _names_only(unit, f)
            and not (clause and runs_into_clause(text, unit, f[1], f[2], partial(_texts_of, index, f[0])))
            and not ((gate or after_quote(text, unit, f[1]))
                     and unasserted(text, unit, f[1], f[2], f[4]["coverage"], partial(_claim_of, index, f[0])))]


def _unasserted(text: str, unit: Unit, f: Result, index: ClaimIndex) -> bool:
    """Whether a span of a pronoun unit asks for, denies or only quotes its claim
    (unasserted.unasserted; not the noun-phrase rule: the names put in for the pronoun
    make one). The names keep the pronoun's place in ``text``, so its gaps are the
    sentence's: "the injected vaccine contains no live virus, so it can't cause flu" was
    denied twice in its sentence and made the claim with a name put in for its "it"."""
    return ((may_unassert(text, unit) or after_quote(text, unit, f[1]))
            and unasserted(text, unit, f[1], f[2], f[4]["coverage"], partial(_claim_of, index, f[0])))


Found = tuple[str, int, int, float, dict[str, float], tuple[int, int]]
# (claim id, start, end in code points, score, parts, sentence span)


# A span must hold this many distinct claim words: one word is no claim. A claim text of one
# word ("U.S.", "false", a topic "On debating.", a headline "Gatorade") matched every sentence
# with that word at 100: 2,475 of the 3,324 matches of the 3,200 fact-check paragraphs.
MIN_CLAIM_WORDS = 2


def _found_in(units: Sequence[Unit], results: Sequence[Sequence[Result]]) -> list[Found]:
    return [(claim, u.tokens[i].start, u.tokens[j].end, score, parts, u.sent)
            for u, res in zip(units, results) for claim, i, j, score, parts in res
            if parts["terms"] >= MIN_CLAIM_WORDS]


def _resolve(block_id: str, text: str, found: Sequence[Found], threshold: float, explain: bool) -> list[Match]:
    """First span per claim, overlaps resolved, each span widened to its sentence."""
    if not found:
        return []
    # Each claim's spans in the order a reader meets them: the first mention first (the
    # note goes where the claim is first made); on a tie the best score, then the shorter
    # sentence (a pair loses to its own half).
    # (Sorted only where a claim has more than one span: most have one.)
    mentions: dict[str, list[Found]] = {}
    for f in found:
        if f[3] >= threshold:
            ms = mentions.get(f[0])
            if ms is None:
                mentions[f[0]] = [f]
            else:
                ms.append(f)
    if not mentions:
        return []
    for ms in mentions.values():
        if len(ms) > 1:
            ms.sort(key=_reading_order)
    # A claim whose aligned words lie inside the span of another claim that matches more
    # terms is the general part of a more specific claim ("The Earth is flat" inside
    # "in Columbus's day most people believed the earth was flat"): the specific wins,
    # and hides it even when it scores under the threshold itself (SPECIFIC_FLOOR).
    spans = _spans(found, min(threshold, SPECIFIC_FLOOR))
    kept = _unhidden([ms[0] for ms in mentions.values()], spans)
    # Other overlaps are judged on the aligned words: best score first, and a claim
    # that matches more terms (the more specific one) gets a head start.
    ranked = sorted(kept, key=lambda f: (
        -(f[3] + SPECIFICITY_BONUS * f[4].get("terms", 0.0)), f[1], f[0]))
    chosen: list[Found] = []
    lost = []
    for f in ranked:
        (chosen if _apart(f, chosen) else lost).append(f)
    # A claim whose first mention, in two sentences read together, lost its words to
    # another claim is not lost with it when one of the two makes it alone: the pair
    # "... humans are causing global warming. The whole climate crisis is a hoax ..." gave
    # its first words to the claim of its first sentence, and the second makes this one.
    # Only inside that first mention: a claim dropped for an overlap is not looked for
    # elsewhere in the block (on fact-check paragraphs that let topic claims such as
    # "On abortion" or "American" back in at every later mention).
    for f in lost:
        sa, sb = f[5]
        inside = [g for g in mentions[f[0]][1:] if sa <= g[5][0] and g[5][1] <= sb
                  and g[5] != f[5] and _apart(g, chosen)]
        again = _unhidden(inside, spans) if inside else inside
        if again:
            chosen.append(again[0])
    chosen.sort(key=itemgetter(1, 0))
    # The quote is the sentence that makes the claim, unless that would run into
    # another match's words; very long sentences keep the aligned words.
    to16 = None if text.isascii() else Utf16Map(text)   # ASCII: the offsets are the same
    out = []
    for n, (claim, start, end, score, parts, (sa, sb)) in enumerate(chosen):
        lo = chosen[n - 1][2] if n else 0
        hi = chosen[n + 1][1] if n + 1 < len(chosen) else len(text)
        if sa >= lo and sb <= hi and (sb - sa) <= MAX_QUOTE_CHARS:
            start, end = sa, sb
        out.append(Match(block_id=block_id, start=start if to16 is None else to16(start),
                         end=end if to16 is None else to16(end), quote=text[start:end],
                         score=round(min(100.0, score), 2), claim_id=claim,
                         parts=dict(parts) if explain else None))
    return out


MAX_QUOTE_CHARS = 400  # a sentence longer than this is not quoted whole


def _reading_order(f: Found) -> tuple[int, float, int]:
    return f[1], -f[3], f[5][1] - f[5][0]


def _apart(f: Found, chosen: Iterable[Found]) -> bool:
    """Whether the aligned words of ``f`` overlap none of ``chosen``'s."""
    start, end = f[1], f[2]
    for c in chosen:
        if start < c[2] and c[1] < end:
            return False
    return True


Span = tuple[float, int, int, str]   # (terms matched, start, end, claim id) of a Found


def _spans(found: Iterable[Found], floor: float) -> list[Span]:
    """The spans of ``found`` scoring ``floor`` or more, by terms matched, most first: a
    result is checked against the spans with more terms than its own only (at 1M claims a
    block can hold 70 spans); sorted once per block (``_unhidden`` runs more than once)."""
    return sorted([(g[4].get("terms", 0.0), g[1], g[2], g[0]) for g in found if g[3] >= floor],
                  key=itemgetter(0), reverse=True)


def _unhidden(results: Iterable[Found], spans: Sequence[Span]) -> list[Found]:
    """``results`` less those whose aligned words lie inside the span of another claim
    that matches more terms (one of ``spans``, from ``_spans``)."""
    kept = []
    for f in results:
        terms, start, end, claim = f[4].get("terms", 0.0), f[1], f[2], f[0]
        hidden = False
        for t, s, e, c in spans:
            if t <= terms:
                break
            if s <= start and end <= e and c != claim:
                hidden = True
                break
        if not hidden:
            kept.append(f)
    return kept


def match_blocks(blocks: Sequence[tuple[str, str]], index: ClaimIndex, *,
                 threshold: float = DEFAULT_THRESHOLD, explain: bool = False) -> list[Match]:
    """Claims found in page blocks, sorted by block (input order), then start.

    Parameters
    ----------
    blocks: ``(block_id, text)`` pairs; offsets are UTF-16 code units into ``text``.
    index: the claim index.
    threshold: minimum score (0..100) of a returned match; results at or above
        ``_FLOOR`` are cached, lower thresholds are computed afresh.
    explain: include each match's score parts.
    """
    if threshold < _FLOOR:
        return _match_page(blocks, {}, _Fresh(index, threshold), index, threshold, explain)[0]
    block_cache = index._block_cache
    known: dict[str, Block] = {}
    for _, text in blocks:
        hit = None if text in known else block_cache.get(text)
        if hit is not None:
            block_cache.move_to_end(text)
            known[text] = hit
    out, new = _match_page(blocks, known, _Cached(index), index, threshold, explain)
    for text, block in new.items():
        block_cache[text] = block
        if len(block_cache) > BLOCK_CACHE_SIZE:
            block_cache.popitem(last=False)
    return out


class _Fresh:
    """The results of a page's units at ``floor``, none cached: their retrieval starts
    as they are added (claim_index.Retrieval), while the page is still analysed."""

    def __init__(self, index: ClaimIndex, floor: float) -> None:
        self.index, self.floor = index, floor
        self.retrieval = Retrieval(index, floor)

    def add(self, units: Sequence[Unit]) -> None:
        self.retrieval.add(units)

    def start(self) -> None:
        self.retrieval.start()

    def results(self, units: Sequence[Unit]) -> list[list[Result]]:
        """Each unit's results; ``units`` are those added, in order."""
        return _results(units, self.retrieval.lists(), self.index, self.floor)


class _Cached:
    """Each unit's results at or above ``_FLOOR``, through the unit cache: the units not
    in it, once each, are retrieved as they are added."""

    def __init__(self, index: ClaimIndex) -> None:
        self.index = index
        self.todo: dict[str, Unit] = {}
        self.retrieval = Retrieval(index, _FLOOR)

    def add(self, units: Sequence[Unit]) -> None:
        unit_cache, todo = self.index._cache, self.todo
        new = []
        for u in units:
            if u.key not in unit_cache and u.key not in todo:
                todo[u.key] = u
                new.append(u)
        self.retrieval.add(new)

    def start(self) -> None:
        self.retrieval.start()

    def results(self, units: Sequence[Unit]) -> list[list[Result]]:
        """Each unit's results; ``units`` are those added, in order."""
        index = self.index
        unit_cache = index._cache
        if self.todo:
            fresh = list(self.todo.values())
            for u, res in zip(fresh, _results(fresh, self.retrieval.lists(), index, _FLOOR)):
                unit_cache[u.key] = res
                if len(unit_cache) > CACHE_SIZE:
                    unit_cache.popitem(last=False)
        results = []
        for u in units:
            res = unit_cache.get(u.key)
            if res is None:  # evicted within this call
                res = _results([u], index._candidates([u], _FLOOR), index, _FLOOR)[0]
            results.append(res)
        return results


class _Everything:
    """The results of a page's units at ``floor`` against every entry (the reference)."""

    def __init__(self, index: ClaimIndex, floor: float) -> None:
        self.index, self.floor = index, floor

    def add(self, units: Sequence[Unit]) -> None:
        pass

    def start(self) -> None:
        pass

    def results(self, units: Sequence[Unit]) -> list[list[Result]]:
        everything = range(len(self.index._entries))
        return _results(units, [everything] * len(units), self.index, self.floor)


Batch = _Fresh | _Cached | _Everything


Block = tuple[list[Found], list[Name], list[tuple[Unit, int]]]
# a block analysed: its found spans, the names it writes, its units with a pronoun subject


def _pronoun_units(units: Sequence[Unit]) -> list[tuple[Unit, int]]:
    """Each pronoun once, in the shortest unit that has it first (its sentence, not a pair)."""
    if isinstance(units, BlockUnits) and PRONOUNS.isdisjoint(units.words):
        return []   # most blocks: one test, not one per unit
    prons: dict[int, tuple[Unit, int]] = {}
    for u in units:
        k = pronoun_at(u)
        if k is not None:
            at = u.tokens[k].start
            if at not in prons or len(u.tokens) < len(prons[at][0].tokens):
                prons[at] = (u, k)
    return list(prons.values())


def _match_page(blocks: Sequence[tuple[str, str]], known: dict[str, Block], batch: Batch,
                index: ClaimIndex, threshold: float, explain: bool) -> tuple[list[Match], dict[str, Block]]:
    """The matches of a page, and its blocks not in ``known``, analysed.

    The sentences of the new blocks, and every block's pronoun sentences read with
    the names written before them (pronouns.py), are scored in one batch, whose
    retrieval starts as each block is analysed (``batch.add``)."""
    fresh: dict[str, list[Unit]] = {}
    covers: dict[str, list[int | None]] = {}   # per fresh unit: a token its matches must span
    context = {text: block[1:] for text, block in known.items()}
    for _, text in blocks:
        if text not in context:
            units = sentence_units(text)
            context[text] = (names_in(units), _pronoun_units(units))
            other = readings(text, units)
            fresh[text] = units + [u for u, _ in other]
            covers[text] = [None] * len(units) + [k for _, k in other]
            batch.add(fresh[text])
    batch.start()   # the last blocks' units are retrieved while the names are read in
    extra: list[Unit] = []
    put: list[tuple[int, int]] = []   # per extra unit: where the names went, how many words
    owner: list[str] = []             # per extra unit: its block's text
    bounds = [0]              # extra[bounds[n]:bounds[n + 1]] belong to block n
    before: list[Name] = []   # names of the earlier blocks, in page order
    for _, text in blocks:
        names, prons = context[text]
        for u, k in prons:
            at = u.tokens[k].start
            own = [n for n in names if n[-1].end <= at]
            named = with_names(u, k, chain(reversed(own), reversed(before)))
            if named is not None:
                extra.append(named)
                put.append((k, len(named.tokens) - len(u.tokens) + 1))
                owner.append(text)
        bounds.append(len(extra))
        before.extend(names)
    batch.add(extra)
    todo = [u for units in fresh.values() for u in units] + extra
    texts = partial(_texts, index)
    results = batch.results(todo) if todo else []
    analysed, new = dict(known), {}
    pos = 0
    for text, units in fresh.items():
        res = [_asserted(text, u, lifted(text, u, r, texts, _FLOOR) if k is None
                         else [f for f in r if f[1] <= k <= f[2]], index) if r else r
               for u, r, k in zip(units, results[pos:pos + len(units)], covers[text])]
        new[text] = analysed[text] = (_found_in(units, res), *context[text])
        pos += len(units)
    extra_found = [_found_in([u], [[f for f in r if carried_by_sentence(u, k, added, f[1], f[2], f[4]["terms"])
                                    and not _unasserted(text, u, f, index)]])
                   for u, (k, added), r, text in zip(extra, put, results[pos:], owner)]
    out: list[Match] = []
    for n, (bid, text) in enumerate(blocks):
        found = analysed[text][0]
        if bounds[n + 1] > bounds[n]:
            found = found + [f for fs in extra_found[bounds[n]:bounds[n + 1]] for f in fs]
        out.extend(_resolve(bid, text, found, threshold, explain))
    return out, new


# The cache stores results above this floor so that any threshold at or above it
# can be served from the cache.
_FLOOR = 50.0
BLOCK_CACHE_SIZE = 5_000  # whole blocks (nav bars, footers and reloads repeat verbatim)


def reference_match_blocks(blocks: Sequence[tuple[str, str]], index: ClaimIndex, *,
                           threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
    """The simple loop: every unit against every entry, no retrieval, no cache."""
    # lowered by the bonus: a complete span raised over the threshold is computed (complete.py)
    floor = min(threshold, SPECIFIC_FLOOR) - COMPLETE_BONUS
    return _match_page(blocks, {}, _Everything(index, floor), index, threshold, False)[0]
