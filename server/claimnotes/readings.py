"""Other readings of a page unit: its words as a claim text would say them (pure).

A sentence can make a claim in a construction that the plain word-by-word reading gets
wrong: a negation that is not one, or a set phrase for a word the claims use. For such
a unit (sentence, window or pair) the matcher also scores one more unit of each kind,
read the way the claims are written; its tokens keep their spans in the page, so a
match of it quotes the page's own sentence. A reading only adds a unit: whatever the
plain reading matches still matches.

- a contrast "X, not Y" says X: the "not" after the comma rejects Y ("It's the sun
  that's warming the planet, not CO2"), so the unit is also read as X alone;
- a consequence "X means no Y", "X means you never Y", "X = no Y" says that X prevents
  Y ("a daily dose of vitamin C means you never catch a cold", "ALKALINE WATER = NO
  CANCER"), so it is also read as "X prevents Y", without the negation (a match of
  that reading must span its "prevents");
- a negative question "Isn't the X ...?" (a negated auxiliary before a determiner, opening
  the unit or after a comma, colon, ...) is also read without its "not";
- a new clause "X not ..., it/they/he/she Y" (no copula after the pronoun, no negation
  after the comma) keeps the negation to X: "DON'T get the flu jab, it gave your uncle the
  flu" is also read without the "DON'T" (a match of that reading must span the pronoun);
- set phrases are read in the words claims use for them: "with zero X" as "without X"
  ("organic veg is grown with zero pesticides" for "Organic food is grown
  without any pesticides"), "in X's day" as "in X's time" ("in Columbus's day most
  people believed ..."), "throw themselves" as "jump" ("lemmings throw themselves off
  cliffs"), a phrasal verb as the claims' verb ("knock out any cold" as "cure any cold"),
  a topic's newer name as the older one ("the climate crisis" as "climate change");
- the person a claim calls "someone", named on the page ("catch cancer off him", "from my
  uncle"), as "someone" (a match must span it);
- fixed idioms in the claims' words ("pitch black all the time" as "always dark", "can't
  see a thing" as "are blind"): idioms.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import compress, count
from operator import ne

from claimnotes.idioms import idioms, idioms_may_read
from claimnotes.synonyms import CONTRACTED, NEGATIONS, STOPWORDS
from claimnotes.synonyms import POSSESSIVES as POSSESSIVE_WORDS
from claimnotes.terms import BlockUnits, Unit, make_unit, negated, norm_of, term_of
from claimnotes.textnorm import Token

MEANS = frozenset("means mean meant".split())
SPEAKERS = frozenset("i you we".split())   # "I mean, no ..." / "you mean ..." are hedges
CONSEQUENCE_GAP = 2   # stopwords allowed between "means" and the negation ("means you'll never")
GAP_WORDS = frozenset("you we they he she it i will would can could".split())
PREVENTS = "prevents"
# A clause that opens with a negated auxiliary before a determiner asks a question
# ("Isn't the sun driving the warming?", "Top question: wasn't the toilet invented by
# Thomas Crapper?"); a statement never opens so, and the imperative "Don't" is followed by a
# verb ("Don't get the jab"). It opens the unit or follows a clause's punctuation, not a
# quotation mark: 'Putin declared Pope Francis "is not a man of God"' is a statement.
AUXILIARIES = frozenset("is are was were do does did has have had can could will would should".split())
QUESTION_DETERMINERS = frozenset("the a an this that these those all most every".split())
_CLAUSE_BREAK = re.compile(r"[,:;.!?]")
# "X not ..., it/they/he/she Y": the subject pronoun after the comma opens a clause of its own
NEW_SUBJECTS = frozenset("it they he she".split())
# ...but not "..., it's Y" / "they are Y": a copula there names what is right instead ("he
# never says that in Casablanca, it's 'Play it, Sam'"; the "'s" of "it's" is not a token)
COPULAS = frozenset("is are was were".split())
# Punctuation inside the phrase from "means" to the word after the negation: "I mean, no
# vaccine ...", "That means no, ..." are not consequences.
_BREAK = re.compile(r"[^\s'\u2019=]")
# Set phrases (_phrases), each read as the words claims use for it.
# "with zero X" = "without X" ("zero" is the number word "0"). Not "with no X": its "no"
# also negates what follows X ("with no evidence that vaccines cause autism"), which
# "without", a plain term, would not.
ZERO = "0"
WITHOUT = "without"
DAYS = frozenset(["day", "days"])     # "in Columbus's day", "in my day" = "in ... time"
POSSESSIVES = frozenset(POSSESSIVE_WORDS)
TIME = "time"
THROWS = frozenset("throw throws threw thrown throwing hurl hurls hurled hurling fling flings flung".split())
REFLEXIVES = frozenset("themselves himself herself itself myself yourself ourselves".split())
JUMP = "jump"                         # "throw themselves off cliffs" = "jump off cliffs"
# Hedges and intensifiers say how sure the writer is, not what is claimed: "Koalas are
# basically the world's sleepiest bears" is also read without "basically". Only on the page:
# as stopwords they also left claim texts without a word they needed ("I was totally
# against the war in Iraq" is two terms without "totally").
HEDGES = frozenset("""basically literally honestly totally definitely obviously seriously apparently
supposedly genuinely certainly absolutely truly surely""".split())
# Phrasal verbs read as the claims' own verbs: "knock out any cold" / "cleared up the
# infection" / "get rid of" as "cure", "leads to" / "results in" / "brings on" as "cause",
# "ward off" / "guard against" as "prevent", "full of" / "loaded with" as "contain",
# "messes with" / "tampers with" as "change" ("... messes with your DNA"), "bad for (you)"
# as "dangerous"; and "carbon dioxide" as "CO2", which the claims write either way. The verb must stand right before
# its particle (a pronoun between, "clear it up", names no claim's object).
# The claim texts keep theirs: the plain reading of the page still meets them.
PHRASAL = {verb: (particle, word) for forms, particle, word in (
    ("clear clears cleared clearing", "up", "cure"), ("knock knocks knocked knocking", "out", "cure"),
    ("get gets got getting gotten", "rid", "cure"),
    ("lead leads leading", "to", "cause"), ("result results resulted resulting", "in", "cause"),
    ("bring brings brought bringing", "on", "cause"),
    ("ward wards warded warding", "off", "prevent"), ("guard guards guarded guarding", "against", "prevent"),
    ("full", "of", "contain"), ("loaded", "with", "contain"), ("carbon", "dioxide", "co2"),
    ("bad", "for", "dangerous"),
    ("mess messes messed messing", "with", "change"), ("tamper tampers tampered tampering", "with", "change"),
    ("meddle meddles meddled meddling", "with", "change"),
) for verb in forms.split()}
# Newer names of a topic the claims name the older way: "the climate crisis" / "climate
# emergency" / "climate breakdown" is "climate change", "global heating" "global warming"
# (the second word read as the claims'; the first must come right before it).
RENAMED = {("climate", "crisis"): "change", ("climate", "emergency"): "change",
           ("climate", "breakdown"): "change", ("global", "heating"): "warming"}
_RENAMED_LAST = frozenset(last for _, last in RENAMED)
# A unit without any of these terms has no such phrase ("get" is a stopword: "rid" stands for it).
_PHRASE_TERMS = frozenset(term_of(w) for w in DAYS | THROWS | PHRASAL.keys() | _RENAMED_LAST | {"rid"}
                          if w not in STOPWORDS)
# The first words of the phrases, where _phrases looks at a unit's words one by one.
_PHRASE_HEADS = frozenset({"with"} | DAYS | THROWS | _RENAMED_LAST | PHRASAL.keys())
_HEDGE_TERMS = frozenset(map(term_of, HEDGES))            # ...nor a hedge ("total" is one too)
_ANY_TERMS = _PHRASE_TERMS | _HEDGE_TERMS


# A claim says "someone" where a page names the person: "you can catch cancer from someone"
# against "we could catch cancer off him", "... from Grandma", "... from my uncle". After
# "from"/"off", a person pronoun or a word for a person (after a possessive too) is also
# read as "someone". Not any capitalised name: "from California", "from Hurricane Harvey",
# "from God" on the bench page are places and things.
SOMEONE = "someone"
SOURCES = frozenset("from off".split())
PERSON_PRONOUNS = frozenset("him her them me you us".split())
PEOPLE = frozenset("""mum mom mother dad father parent parents brother sister son daughter uncle aunt
auntie grandma gran granny nan grandmother grandpa grandad granddad grandfather cousin nephew niece
husband wife partner boyfriend girlfriend friend friends neighbour neighbor colleague kid child baby
teacher classmate""".split())

# The unit's key (its normal forms, joined) says whether it can have one (after a cheaper
# substring test: most units have no "from"/"off").
_SOMEONE_KEY = re.compile(r" (?:from|off) (?:%s)\b" % "|".join(sorted(PERSON_PRONOUNS | PEOPLE | POSSESSIVES)))

Reading = tuple[Unit, int | None]
# a unit read otherwise, and the token a match of it must span (None: any match counts)


def readings(text: str, units: Sequence[Unit]) -> list[Reading]:
    """The other readings of a block's units (text: the block), at most one of each kind
    per unit."""
    # A unit without a negation can only have the readings of _PLAIN_READS, and those
    # only with one of their words: a block that has none of them (most) reads only its
    # negated units, and every unit's idioms (which gate themselves on their own words).
    block = isinstance(units, BlockUnits)
    plain = not block or _may_read_plain(units)
    # ...and a block without a negation word or an idiom's trigger term has no other
    # reading (32 of the bench page's 93 blocks: no loop over their units)
    said = not block or idioms_may_read(units.terms)
    if block and not (plain or said or not NEGATIONS.isdisjoint(units.words)):
        return []
    out = []
    for u in units:
        for read in _ALL_READS if u.negs else _PLAIN_READS if plain else ():
            other = read(text, u)
            if other is not None:
                out.append(other)
        if said:
            other = idioms(u)
            if other is not None:
                out.append((other, None))
    return out


def _may_read_plain(block: BlockUnits) -> bool:
    """Whether a unit of the block can have a set phrase, a hedge or a person after
    "from"/"off": each needs a word that the block then has."""
    return (not _ANY_TERMS.isdisjoint(block.terms) or not SOURCES.isdisjoint(block.words)
            or ZERO in block.words)


def _contrast(text: str, u: Unit) -> Reading | None:
    """"X, not Y" as X alone. Without the comma a "not" still negates the words before it
    ("Registered Republican not allowed to vote")."""
    if "not" not in u.key:   # one substring test in C first
        return None
    toks = u.tokens
    for k in range(1, len(toks) - 1):
        if toks[k].norm == "not" and "," in text[toks[k - 1].end:toks[k].start] and negated(toks, k):
            return make_unit(toks[:k], u.sent), None
    return None


def _consequence(text: str, u: Unit) -> Reading | None:
    """"X means (you) no/never Y" or "X = no Y" as "X prevents Y": the negation becomes
    "prevents" (with its span) and the words from "means" to it are dropped. A match must
    span that "prevents": the reading drops a negation, and a claim that does not say X
    prevents Y may lie in its scope ("That means nobody believed the earth was flat"). A
    negated "means" keeps its own negation ("doesn't mean you can't catch it": "does not
    prevents catch it")."""
    if "mean" not in u.key and "=" not in text:   # the forms of MEANS all hold "mean"
        return None
    toks = u.tokens
    for k in _negating(u):
        if not 0 < k < len(toks) - 1:
            continue
        m = _consequence_verb(text, toks, k)
        if m is None:
            continue
        neg = toks[k]
        return make_unit(toks[:m] + [Token(PREVENTS, neg.start, neg.end, neg.cap)] + toks[k + 1:], u.sent), m
    return None


def _question(text: str, u: Unit) -> Reading | None:
    """"Isn't the X ...?" / "...: wasn't the X ...?" without its "not": a negative question
    puts X forward. Only the "not" goes; any other negation of the unit stays."""
    toks = u.tokens
    for k in _negating(u):
        w = toks[k].norm
        aux = k if w in CONTRACTED else k - 1   # chat spelling: "doesnt" is its own auxiliary
        if (aux >= 0 and k + 1 < len(toks) and (w == "not" or w in CONTRACTED)
                and (CONTRACTED.get(w) or toks[aux].norm) in AUXILIARIES
                and (toks[k + 1].norm in QUESTION_DETERMINERS or _named_question(text, u, aux, k))
                and (aux == 0 or _CLAUSE_BREAK.search(text, toks[aux - 1].end, toks[aux].start))):
            return make_unit(toks[:k] + toks[k + 1:], u.sent), None
    return None


def _named_question(text: str, u: Unit, aux: int, k: int) -> bool:
    """"Didn't Einstein flunk maths at school?": a name after the negated auxiliary, in a
    sentence that ends with a question mark and is not written in capitals ("DON'T
    BELIEVE ..." is an order)."""
    toks = u.tokens
    return (toks[k + 1].cap and not text[toks[aux].start:toks[k].end].isupper()
            and text[u.sent[0]:u.sent[1]].rstrip().endswith("?"))


def _new_clause(text: str, u: Unit) -> Reading | None:
    """"X not ..., it/they Y" with the negations before the comma dropped, when the clause
    after it has none: the negation belongs to the first clause ("DON'T get the flu jab, it
    gave your uncle the flu"), and within NEGATION_REACH it negated the second too (but not
    before a copula: "..., it's Y" names what is right instead). A match
    must span the pronoun, so it takes words from both clauses: what the first clause
    alone says stays negated ("Vaccines don't cause autism, they save lives")."""
    toks, neg = u.tokens, _negating(u)
    if not neg or "," not in text[toks[neg[0]].end:toks[-1].start]:
        return None
    k = next((k for k in range(neg[0] + 1, len(toks) - 1) if toks[k].norm in NEW_SUBJECTS
              and "," in text[toks[k - 1].end:toks[k].start]), None)
    if k is None or k < neg[-1] or toks[k + 1].norm in COPULAS or _possessive(text, toks[k]):
        return None
    dropped = set(neg)
    return make_unit([t for j, t in enumerate(toks) if j not in dropped], u.sent), k - len(dropped)


def _negating(u: Unit) -> list[int]:
    """The indices of the unit's negating words (where its running count steps)."""
    return list(compress(count(), map(ne, u.negs, u.negs[1:])))


def _phrases(text: str, u: Unit) -> Reading | None:
    """The unit with each set phrase in the claims' words: "with zero X" as "without X"; "in X's day" as "in X's time"; "throw themselves" as "jump themselves"; a phrasal verb as the claims' verb ("knock out" as "cure"); "climate crisis" as "climate change"; hedges dropped."""
    key, terms = u.key, u.termset   # key: the normal forms, joined: a substring test is one pass in C
    if not ("with 0 " in key or not terms.isdisjoint(_ANY_TERMS)):
        return None
    phrase = "with 0 " in key or not terms.isdisjoint(_PHRASE_TERMS)
    hedged = not terms.isdisjoint(_HEDGE_TERMS)
    toks = [t for t in u.tokens if t.norm not in HEDGES] if hedged else u.tokens
    if not phrase:
        return (make_unit(toks, u.sent), None) if toks != u.tokens else None
    # Only a phrase's first word can change anything: the words between are copied whole.
    out: list[Token] = []
    k = 0   # the tokens before k are read
    for h in compress(count(), map(_PHRASE_HEADS.__contains__, map(norm_of, toks))):
        if h < k:
            continue   # the second word of the phrase before
        out += toks[k:h]
        t = toks[h]
        nxt = toks[h + 1].norm if h + 1 < len(toks) else ""
        k = h + 1
        if t.norm == "with" and nxt == ZERO and h + 2 < len(toks):
            out.append(Token(WITHOUT, t.start, toks[h + 1].end, t.cap))
            k += 1
            continue
        if t.norm in DAYS and h >= 2 and toks[h - 2].norm == "in" and _possessive(text, toks[h - 1]):
            t = Token(TIME, t.start, t.end, t.cap)
        elif t.norm in THROWS and nxt in REFLEXIVES:
            t = Token(JUMP, t.start, t.end, t.cap)
        elif t.norm in _RENAMED_LAST and h and (toks[h - 1].norm, t.norm) in RENAMED:
            t = Token(RENAMED[toks[h - 1].norm, t.norm], t.start, t.end, t.cap)
        elif t.norm in PHRASAL and PHRASAL[t.norm][0] == nxt:
            out.append(Token(PHRASAL[t.norm][1], t.start, toks[h + 1].end, t.cap))
            k += 1
            continue
        out.append(t)
    out += toks[k:]
    return (make_unit(out, u.sent), None) if out != u.tokens else None


def _someone(text: str, u: Unit) -> Reading | None:
    """The unit with the person after "from"/"off" read as "someone" (the first such)."""
    key = u.key
    if not ((" from " in key or " off " in key) and _SOMEONE_KEY.search(key)):
        return None
    toks = u.tokens
    for k in range(len(toks) - 1):
        if toks[k].norm not in SOURCES:
            continue
        nxt = toks[k + 1]
        if (nxt.norm in PERSON_PRONOUNS or nxt.norm in PEOPLE) and not _determiner(text, u, k + 1):
            end = k + 2
        elif k + 2 < len(toks) and nxt.norm in POSSESSIVES and toks[k + 2].norm in PEOPLE:
            end = k + 3
        else:
            continue
        person = Token(SOMEONE, nxt.start, toks[end - 1].end, nxt.cap)
        return make_unit(toks[:k + 1] + [person] + toks[end:], u.sent), k + 1
    return None


def _determiner(text: str, u: Unit, k: int) -> bool:
    """Whether the pronoun ``k`` is a possessive before its noun, not a person: "cleared
    the cancer from her body" (a "her" with a content word right after it)."""
    toks = u.tokens
    return (toks[k].norm in POSSESSIVES and k + 1 < len(toks) and u.terms[k + 1] is not None
            and text[toks[k].end:toks[k + 1].start].isspace())


def _possessive(text: str, tok: Token) -> bool:
    """"my", "Columbus's", "parents'" (a word's apostrophe at its end is not in its span)."""
    return (tok.norm in POSSESSIVES or text[tok.start:tok.end].lower().endswith(("'s", "\u2019s"))
            or (tok.norm.endswith("s") and text[tok.end:tok.end + 1] in ("'", "\u2019")))


def _consequence_verb(text: str, toks: Sequence[Token], k: int) -> int | None:
    """Where the "means" (or "=") before the negation ``k`` is: the index of the first word
    dropped, or None. "means" needs a subject that is not the speaker ("I mean, no ..." is
    a hedge), and no punctuation may break the phrase up to the word after the negation
    ("That means no, ...")."""
    if "=" in text[toks[k - 1].end:toks[k].start]:
        m, first = k, k - 1      # "X = no Y": only the sign goes
    else:
        m = next((j for j in range(k - 1, max(0, k - 1 - CONSEQUENCE_GAP) - 1, -1)
                  if toks[j].norm not in GAP_WORDS), None)
        if not m or toks[m].norm not in MEANS or toks[m - 1].norm in SPEAKERS:
            return None
        first = m
    if any(_BREAK.search(text, toks[i].end, toks[i + 1].start) for i in range(first, k + 1)):
        return None
    return m


_PLAIN_READS = (_phrases, _someone)   # the readings of a unit without a negation
_ALL_READS = (_contrast, _consequence, _question, _new_clause, *_PLAIN_READS)
