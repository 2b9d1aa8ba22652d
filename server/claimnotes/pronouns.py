"""Pronoun subjects: a sentence that says "it"/"they" for a name written earlier (pure).

"My husband insisted it's the only man-made thing you can see from the moon" states
"The Great Wall is visible from space" when the page named the Great Wall a paragraph
before. For such a sentence the matcher also tries the sentence with its first
subject pronoun replaced by the last ``CONTEXT_NAMES`` names written before it on
the page (earlier paragraphs included), side by side: one extra unit per pronoun,
whichever name the pronoun stands for. When punctuation opens the pronoun's clause,
the sentence's first word goes in too, since pages name a subject in lower case ("My
cat fell off the balcony, they always land on their feet"); and a name of the same
sentence that ends its own clause counts as written before ("... see the North Star,
and a parent told us it's the brightest star"). The replacement words keep the
pronoun's span, so a match maps back to the page as usual.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import compress, count

from claimnotes.terms import BlockUnits, Unit, make_unit, norm_of, term_of
from claimnotes.textnorm import PURE_PYTHON, Token, _units

PRONOUNS = frozenset("it they he she".split())
CONTEXT_NAMES = 2   # names put for a pronoun (the most recent ones): more finds more
                    # antecedents, but each is a chance to be wrong
LEAD_CHARS = 3      # punctuation before a sentence's first word ('"', "(", "- ")

Name = tuple[Token, ...]   # a run of capitalised content words ("Great Wall")


def names_in(units: Sequence[Unit]) -> list[Name]:
    """The names written in a block's units, in text order (each word once). The first
    word of a sentence is capitalised whatever it is, so it is never a name."""
    names = block_names(units) if isinstance(units, BlockUnits) else None
    if names is not None:
        return names
    seen: dict[int, tuple[Token, str | None]] = {}
    for u in units:
        for tok, term in zip(u.tokens, u.terms):
            seen.setdefault(tok.start, (tok, term))
    starts = sorted(seen)
    firsts = {starts[i] for i in {bisect_left(starts, u.sent[0]) for u in units} if i < len(starts)}
    out: list[Name] = []
    run: list[Token] = []
    for start in starts:
        tok, term = seen[start]
        if tok.cap and term is not None and not term.isdigit() and start not in firsts:
            run.append(tok)
            continue
        if run:
            out.append(tuple(run))
            run = []
    if run:
        out.append(tuple(run))
    return out


def block_names_py(block: BlockUnits) -> list[Name] | None:
    """names_in() of sentence_units' output, read from the block's columns: each word
    once, and only the capitalised ones in Python (the units repeat words: windows
    overlap, pairs repeat two sentences); None when a sentence starts inside a word. The
    reference of the compiled ``_units.block_names``."""
    tokens, terms, starts, sentences = block.tokens, block.terms, block.starts, block.sentences
    if not all(starts[k] >= a for k, _, a in sentences):
        # Each sentence must start at a word (not inside a number merged across a "5."
        # bullet); sentences do not overlap (split_sentences' contract): the first
        # words are then the sentences' first tokens.
        return None
    out: list[Name] = []
    run: list[Token] = []
    last = -1      # the last name word
    r = 0          # the sentence of p
    k, j, _ = sentences[0] if sentences else (0, 0, 0)
    for p in compress(count(), block.caps):   # capitalised words alone
        while p >= j and r + 1 < len(sentences):
            r += 1
            k, j, _ = sentences[r]
        if not k < p < j:
            continue   # a sentence's first word, or between sentences (no unit holds it)
        term = terms[p]
        if term is None or term.isdigit() or starts[p] == starts[p - 1]:
            # not a name, or the second token of one word ("Trump'll" -> trump will;
            # names_in reads the first; today such second words are all stopwords)
            continue
        # A word that names_in reads came between the last name word and this one
        # (tokens of one word share a start; those of another sentence start later).
        if run and starts[p - 1] != starts[last]:
            out.append(tuple(run))
            run = []
        run.append(tokens[p])
        last = p
    if run:
        out.append(tuple(run))
    return out


def _block_names_c(block: BlockUnits) -> list[Name] | None:
    """block_names_py, compiled (_units.c)."""
    return _units.block_names(block.tokens, block.terms, block.starts, block.caps, block.sentences)


block_names = block_names_py if _units is None or PURE_PYTHON else _block_names_c


def pronoun_at(unit: Unit) -> int | None:
    """Index of the unit's first subject pronoun, or None."""
    tokens = unit.tokens
    if PRONOUNS.isdisjoint(map(norm_of, tokens)):  # most units: one pass in C
        return None
    for k, tok in enumerate(tokens):
        if tok.norm in PRONOUNS:
            return k
    return None


def with_names(unit: Unit, k: int, newest_first: Iterable[Name]) -> Unit | None:
    """The unit with its pronoun ``k`` replaced by the first word of its sentence when
    punctuation opens the pronoun's clause (``_subject``), then the last ``CONTEXT_NAMES``
    names written before it (in page order) that the unit does not already hold, or that
    end a clause of its own before the pronoun (``_clause_name``); None when there are none."""
    picked: dict[tuple[str, ...], Name] = {}
    tokens = unit.tokens
    # A negation before the pronoun: its clause may correct the sentence's first words
    # ("Bogart never says that in Casablanca, it's 'Play it, Sam'"), so they are not read.
    own = not unit.negs or not unit.negs[k]
    starts = [t.start for t in tokens] if own else []
    for name in newest_first:
        norms = tuple(map(norm_of, name))
        if norms not in picked and (not unit.termset.issuperset(map(term_of, norms))
                                    or own and _clause_name(tokens, starts, name)):
            picked[norms] = name
            if len(picked) == CONTEXT_NAMES:
                break
    subject = _subject(unit, k) if own else None
    names = [subject] if subject is not None and (subject[0].norm,) not in picked else []
    names += reversed(picked.values())
    if not names:
        return None
    pron = tokens[k]
    span = (pron.start, pron.end, True)   # every name word keeps the pronoun's span
    words = [tuple.__new__(Token, (t.norm, *span)) for name in names for t in name]
    return make_unit(tokens[:k] + words + tokens[k + 1:], unit.sent)


def _clause_name(tokens: Sequence[Token], starts: list[int], name: Name) -> bool:
    """Whether ``name`` is written in the unit (before its pronoun: names come from
    before it) with punctuation after it, the end of its clause: "Lots of children
    wanted to see the North Star, and more than one parent told us it's the brightest
    star in the sky" says the North Star is the brightest, but the words between cost
    the span its similarity (59.6). A name inside the pronoun's clause is as often
    what the pronoun is the object of ("Gov. Scott Walker is counting on it", 'says
    "Play it again, Sam"'), and put in it would take the place of the page's names."""
    at = bisect_left(starts, name[-1].end)   # the word after the name
    return 0 < at < len(tokens) and tokens[at - 1] == name[-1] and tokens[at].start - name[-1].end > 1


def _subject(unit: Unit, k: int) -> Name | None:
    """The first content word of the pronoun's sentence when punctuation opens the
    pronoun's clause: "My cat fell off the balcony and was completely fine, they always
    land on their feet" (a sentence's subject comes first in English, and a page names
    it in lower case as often as not). None in a window that does not start the sentence,
    and for a name."""
    tokens, terms = unit.tokens, unit.terms
    if k == 0 or tokens[k].start - tokens[k - 1].end < 2 or tokens[0].start - unit.sent[0] > LEAD_CHARS:
        return None
    for p in range(k - 1):   # a word right before the pronoun is next to its clause already
        if terms[p] is not None and not terms[p].isdigit():
            # A capital inside the sentence marks a name, which names_in reads: "In
            # Columbus's era, they say, ..." does not make Columbus the subject of "they".
            return (tokens[p],) if p == 0 or not tokens[p].cap else None
    return None


def carried_by_sentence(named: Unit, k: int, added: int, i: int, j: int, terms: float) -> bool:
    """Whether a match of ``named`` on tokens ``i..j``, covering ``terms`` distinct claim
    words, takes one of them from the sentence's own words, not only from the ``added``
    name words put in at ``k``: a claim made of names ("Kristi Thibaut was an ACORN
    lobbyist") would otherwise match any sentence with a pronoun after those names."""
    put_in = {t for t in named.terms[max(i, k):min(j + 1, k + added)] if t is not None}
    return terms > len(put_in)
