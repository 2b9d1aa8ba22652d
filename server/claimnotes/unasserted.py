"""Spans whose sentence holds a claim's words without asserting the claim (pure).

The aligner scores words; these are sentence forms that use a claim's words to ask for
it, deny it or rule it out. The matcher drops such a span of a page sentence after the
aligner (``unasserted``); docs/matching.md, "Sentences that do not assert".

- a **wh-question** that lacks a word of the claim asks for that word: "Which star is the
  brightest in the night sky?" (a quiz question, without "North") and "What is causing
  today's climate change?" (an essay title, without "sun") do not say which. A
  wh-question that holds every claim word still puts it forward ("Why do vaccines cause
  autism?") and stays;
- a **denial** before or inside the span: "Gates has denied saying that 640K ...
  would be enough" reports that he did not say it. "can't deny X" / "nobody denies X"
  affirms X and stays;
- a **"never" just after** the span, alone or after an auxiliary: 'The exact words "Beam
  me up, Scotty" are never spoken'. The aligner counts only a plain "not" after a span
  (``aligner.NEGATION_AFTER``), since "no"/"nobody" there often opens a new clause;
- **two negations** in or just before the span (or a "not" just after it) with a comma
  between, in a claim no text of which is negated: "The flu vaccine contains no live virus, so it can't infect you"
  denies twice, and the aligner's parity read it as no negation at all. A negated claim
  may say so itself ('"Seattle police begin gun confiscations: no laws broken, no
  warrant, no charges"', quoted whole on a page).

A span that is **all a pair of quotation marks holds** and misses part of the claim names the
claim's term, it does not make the claim: 'The whole "Chinese restaurant syndrome" scare
started with a single letter', 'studies haven't been able to reproduce the "Chinese restaurant
syndrome"' (``quoted``). A claim quoted whole covers all of it and stays.

A span that **only names two claim words** in one noun phrase ("antibiotics for my cold",
"my homeopathic remedies") and misses the rest of the claim says nothing of them that the
claim says (``names_only``, as ``matcher._names_only_both`` for two-word claim texts).

And a span that ends **one word into a new clause** (after a stop, a semicolon or ", and")
that goes on with words of its own takes that clause's subject, of which the clause says
its own thing: "... the brightest star in the night sky. Polaris is much fainter"
(``runs_into_clause``).

A span the aligner passed has as many negations as its claim text, or the negation guard
would have halved its score; the last three rules add a negation that the parity missed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, repeat
from operator import itemgetter

from claimnotes.aligner import NEGATION_AFTER, NEGATION_REACH
from claimnotes.synonyms import NEGATIONS, POSSESSIVES
from claimnotes.terms import Unit, negated, term_of

WH_WORDS = frozenset("what which".split())
DENIALS = frozenset("deny denies denied denying".split())
DENIAL_TERMS = frozenset(map(term_of, DENIALS))   # a claim about a denial keeps its spans
NEVER = "never"
AUXILIARIES = frozenset("is are was were be been has have had do does did will would".split())
SENTENCE_ENDS = ".!?\n"
_SENTENCE_END = re.compile("[%s]" % re.escape(SENTENCE_ENDS))
CLAUSE_OPENERS = SENTENCE_ENDS + ":"   # 'Year 10 Geography: "What is causing ...?"'
OPENING = " \t\"'“‘([*-"
Claim = tuple[bool, set[str]]   # (a text of the claim is negated, the terms of all its texts)


def wh_question(text: str, start: int, end: int) -> bool:
    """Whether the sentence (or the clause after a colon) of ``text`` around
    ``start:end`` opens with a wh-word and ends with a question mark."""
    # the sentence's end first (one scan that stops there): most sentences are no questions
    stop = _SENTENCE_END.search(text, end)
    if stop is None or stop.group() != "?":
        return False
    a, b = max(map(text.rfind, CLAUSE_OPENERS, repeat(0), repeat(start))) + 1, stop.start()
    words = text[a:b].lstrip(OPENING).split(None, 1)
    return bool(words) and words[0].lower() in WH_WORDS


def _denied(tokens: Sequence, lo: int, j: int) -> bool:
    """A denial verb in ``lo..j`` that no negation just before turns round ("can't deny")."""
    for k in range(lo, j + 1):
        if tokens[k].norm in DENIALS:
            before = {t.norm for t in tokens[max(0, k - 2):k]}
            if NEGATIONS.isdisjoint(before):
                return True
    return False


def _never_after(tokens: Sequence, j: int) -> bool:
    """"never" right after token ``j``, or after an auxiliary there ("are never spoken")."""
    after = [t.norm for t in tokens[j + 1:j + 1 + NEGATION_AFTER]]
    return bool(after) and (after[0] == NEVER or (after[0] in AUXILIARIES and after[1:2] == [NEVER]))


def _two_clauses_negated(text: str, tokens: Sequence, lo: int, j: int) -> bool:
    """Two negations in ``lo..j`` (or a "not" just after it, as the aligner counts) with a
    comma between them: each denies its own clause."""
    after = range(j + 1, min(len(tokens), j + 1 + NEGATION_AFTER))
    if "," not in text[tokens[lo].end:tokens[after[-1] if after else j].start]:
        return False   # no comma to put between two of them
    negs = [k for k in chain(range(lo, j + 1), (k for k in after if tokens[k].norm == "not"))
            if tokens[k].norm in NEGATIONS and negated(tokens, k)]
    return any("," in text[tokens[a].end:tokens[b].start] for a, b in zip(negs, negs[1:]))


CLAUSE_BREAKS = ".!?;"
CLAUSE_JOINERS = frozenset("and but while whereas".split())   # after a comma: a new clause
# A break, or a comma before a joiner; written as one character class first, so that sre
# skips to those characters instead of trying the pattern at every position.
_MAY_BREAK = re.compile(r"[%s,](?:(?<=[%s])|\s*(?:%s)\b)" % (re.escape(CLAUSE_BREAKS), re.escape(CLAUSE_BREAKS),
                                                            "|".join(sorted(CLAUSE_JOINERS))), re.IGNORECASE)
CLAUSE_GOES_ON = 3   # words after a span in which its clause's own next word is looked for
POSSESSIVE = ("'s", "’s")   # a token's text keeps its "'s" ("Bogart's"; its normal form does not)


def runs_into_clause(text: str, unit: Unit, i: int, j: int,
                     claim_texts: Callable[[], Iterable[Sequence[str]]]) -> bool:
    """Whether the span ``i..j`` ends one content word into a new clause (after a sentence
    end, a semicolon or ", and"/", but") that goes on past the span with a word of its own:
    that word is the new clause's subject, and the clause says its own thing of it ("... the
    brightest star in the night sky. Polaris is much fainter"; "microwaves heat the outer
    layer of food, and the middle catches up"). A claim broken in two ends with its part
    ("The brightest star? Polaris."); a possessive opens a noun phrase, not a clause ('"Play
    it again, Sam"!! Bogart's best line'); and a claim text that runs on the same way across
    the break is quoted whole (``claim_texts``: the terms of each text, asked only here)."""
    toks, terms = unit.tokens, unit.terms
    k = _last_break(text, toks, i, j)
    if k is None:
        return False
    tail = [t for t in terms[k:j + 1] if t is not None]
    head = [t for t in terms[i:k] if t is not None]
    if len(tail) != 1 or not head or text.endswith(POSSESSIVE, 0, toks[j].end):
        return False
    for m in range(j + 1, min(len(toks), j + 1 + CLAUSE_GOES_ON)):
        if any(c in text[toks[m - 1].end:toks[m].start] for c in CLAUSE_OPENERS + ",;()"):
            return False   # the clause ends first
        if terms[m] is not None:
            pair = (head[-1], tail[0])
            return not any(pair in zip(ts, ts[1:]) for ts in claim_texts())
    return False


def may_run_into_clause(text: str, unit: Unit) -> bool:
    """Whether a stop, a semicolon or ", and" lies inside ``unit`` (one regex scan: most
    sentences have none but their end)."""
    toks = unit.tokens
    return bool(toks) and _MAY_BREAK.search(text, toks[0].end, toks[-1].start) is not None


_BREAK_CHARS = re.compile("[%s,]" % re.escape(CLAUSE_BREAKS))   # the characters of a clause break
start_of = itemgetter(1)   # a token's start


def _last_break(text: str, toks: Sequence, i: int, j: int) -> int | None:
    """The first token after the last clause break inside ``i..j``, if any: a break
    character between two words (not inside one: "U.S.", "10,000"), a comma only before a
    joiner. The characters are found by regex (most spans have none) and read from the
    last back (the tokens' spans are in text order: a later character is in a later gap)."""
    lo, hi = toks[i].end, toks[j].start
    if _BREAK_CHARS.search(text, lo, hi) is None:
        return None   # most spans
    for p in reversed([m.start() for m in _BREAK_CHARS.finditer(text, lo, hi)]):
        k = bisect_right(toks, p, i + 1, j, key=start_of)   # the word after the character
        if p >= toks[k - 1].end and (text[p] != "," or toks[k].norm in CLAUSE_JOINERS):
            return k
    return None


# The words that join one noun phrase; not "from"/"in"/"with", which as often tie a verb to
# its object ("descended from monkeys"), nor "that", which opens a clause ("my antiperspirant
# that caused it").
NOUN_PHRASE_GLUE = frozenset("of for the a an this these those".split()) | frozenset(POSSESSIVES)
NAMED_WORDS = 2   # a noun phrase of this many claim words at most names things; with three
                  # or more the verb is often outside the span ("put microchips in the covid vacine")


def names_only(unit: Unit, i: int, j: int, terms: float) -> bool:
    """Whether the span ``i..j`` (``terms`` claim words) is one noun phrase of at most
    ``NAMED_WORDS`` claim words: no other content word ("antibiotics kill colds" has a verb
    that is no claim word), and only words that join a noun phrase between them."""
    if terms > NAMED_WORDS:
        return False
    words, toks = unit.terms, unit.tokens
    content = 0
    for k in range(i, j + 1):
        if words[k] is not None:
            content += 1
        elif toks[k].norm not in NOUN_PHRASE_GLUE:
            return False
    return content <= terms


OPEN_QUOTES, CLOSE_QUOTES = "\"'“‘", "\"'”’"
QUOTED_WORDS = 3   # content words of a quoted term; a longer quotation is a claim quoted (nearly) whole


def quoted(text: str, unit: Unit, i: int, j: int) -> bool:
    """Whether the span ``i..j`` of ``unit`` is all that a pair of quotation marks holds (a
    stop or a comma may end it), a term of at most ``QUOTED_WORDS`` content words: 'the whole
    "Chinese restaurant syndrome" scare' names the term the claim uses, it does not make the
    claim. A longer quotation is a claim quoted ('"Biden calls for gun ban," reads the text';
    '"Pelosi diverts $2.4 billion from Social Security ...," reads the headline': 12 right
    matches of the fact-check paragraphs that a first version without the limit lost)."""
    start, end = unit.tokens[i].start, unit.tokens[j].end
    if end < len(text) and text[end] in ".,;:!?":
        end += 1
    return (0 < start and end < len(text) and text[start - 1] in OPEN_QUOTES and text[end] in CLOSE_QUOTES
            and sum(t is not None for t in unit.terms[i:j + 1]) <= QUOTED_WORDS)


def may_unassert(text: str, unit: Unit) -> bool:
    """Whether any rule but ``quoted`` can apply to a span of ``unit``: a question mark in
    the text, or a negation or a denial in the unit (most units have none: one test each)."""
    return "?" in text or bool(unit.negs) or _denial_in(unit)


def after_quote(text: str, unit: Unit, i: int) -> bool:
    """Whether the span from token ``i`` opens right after a quotation mark: ``quoted`` may
    drop it where ``may_unassert`` says no other rule can (asked per span: looked for in
    the unit's text, a quotation mark sent 2.6 times as many spans to ``unasserted`` on the
    bench page, 0.3 ms)."""
    start = unit.tokens[i].start
    return 0 < start and text[start - 1] in OPEN_QUOTES


def _denial_in(unit: Unit) -> bool:
    return "deni" in unit.key or "deny" in unit.key   # the normal forms of DENIALS, joined


def unasserted(text: str, unit: Unit, i: int, j: int, coverage: float,
               claim_of: Callable[[], Claim]) -> bool:
    """Whether the span ``i..j`` of ``unit`` (a unit of ``text``) holds its claim's words
    without asserting the claim (``coverage``: the share of the claim's weight it holds;
    ``claim_of``: the claim's facts, asked only when a rule needs them)."""
    toks = unit.tokens
    if coverage < 1.0 and (("?" in text and wh_question(text, toks[i].start, toks[j].end))
                           or quoted(text, unit, i, j)):
        return True
    if not unit.negs and not _denial_in(unit):
        return False
    negated_claim, claim_terms = claim_of()
    lo = max(0, i - NEGATION_REACH)
    # each rule asks the key first (one substring test in C): most units have none of its words
    if _denial_in(unit) and DENIAL_TERMS.isdisjoint(claim_terms) and _denied(toks, lo, j):
        return True
    return ((NEVER in unit.key and _never_after(toks, j))
            or (not negated_claim and _two_clauses_negated(text, toks, lo, j)))
