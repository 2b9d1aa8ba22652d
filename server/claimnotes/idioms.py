"""Idioms read as the words the claims use for them (pure; a reading of readings.py).

"The far side of the Moon is pitch black all the time" says "... is always dark"; "bats
can't see a thing" says "bats are blind" (the idiom's "not" is part of it: read as "are
blind", the sentence has no negation left); "fifty-six men put their names to the
Declaration" "signed" it; "unable to have children" is "infertile", "making a fortune"
"profit", "plugging it in" "charging", "visitors from another planet" "aliens", "less
harmful" "safer", "bicarbonate of soda" the British "baking soda", "on its way out" and
"go missing" "disappear", "pass away" "die", "kill themselves"
"commit suicide", "pull through" "survive", "come up with" "invent", "more powerful"
"stronger", water draining "the other way" "in the opposite direction", "the Black Death"
"the plague", "played the fiddle" "fiddled", "grey matter" "brain", "the Pole Star" "the
North Star"; and phrasal verbs for
the claims' verbs: "pump out" / "give off" CO2 or a vaccine "emit" it, a virus "cooked up"
in a lab was "created" there, "wipe out" is "kill", "cover up" "hide", "fend off" / "stave
off" "prevent", "packed / stuffed with" "contain", "cash in" "profit", "spy on" "track",
"die out" / "fade away" "disappear". Not "drop dead" as
"die suddenly": "how many young, fit people are suddenly dropping dead" (heldout4) then met
a text of the vaccine-deaths claim that does not name the vaccine. A single word can be a
run too, read as several of the claims' words ("pylons" as "power lines", "Gardasil" as "HPV
vaccine", "the Arctic" as "the North Pole"). Each idiom is a fixed run of words (as
tokenized: "can't" is "can not"; a
possessive stands for any of them) read as the claims' word or words, each token spanning
the whole run, so that a match quotes the page's own sentence. The claim texts keep their
words: the plain reading of the page still meets them. A unit gets one reading with all
its idioms read so, or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product

from claimnotes.synonyms import NEGATIONS, POSSESSIVES, STOPWORDS
from claimnotes.terms import Unit, make_unit, term_of
from claimnotes.textnorm import Token

CANNOT = (("can", "not"), ("cannot",), ("cant",), ("could", "not"), ("couldnt",))
NOTHING = (("a", "thing"), ("anything",), ("at", "all"))


def _runs() -> dict[tuple[str, ...], tuple[str, ...]]:
    runs: dict[tuple[str, ...], tuple[str, ...]] = {
        ("all", "the", "time"): ("always",), ("pitch", "black"): ("dark",), ("pitch", "dark"): ("dark",)}
    for neg, rest in product(CANNOT, NOTHING):
        # with its copula: "bats blind" side by side would be a noun phrase (matcher._names_only_both)
        runs[(*neg, "see", *rest)] = ("are", "blind")
    for verb, own, prep in product(("put", "puts", "putting"), POSSESSIVES, ("to", "on")):
        runs[(verb, own, "names", prep)] = ("sign",)
        runs[(verb, own, "name", prep)] = ("sign",)
    for neg, young in product((*CANNOT, ("unable", "to")), ("have children", "have kids", "have babies",
                                                           "get pregnant")):
        runs[(*neg, *young.split())] = ("infertile",)
    for verb, what in product(("make", "makes", "made", "making"), ("money", "a fortune", "a killing")):
        runs[(verb, *what.split())] = ("profit",)
    for verb in ("plug", "plugs", "plugged", "plugging"):
        runs[(verb, "in")] = runs[(verb, "it", "in")] = ("charge",)
    for other in ("another planet", "another world", "other planets", "other worlds"):
        runs[("from", *other.split())] = ("alien",)
    for worse in ("harmful", "dangerous", "risky", "toxic"):
        runs[("less", worse)] = ("safer",)
    runs[("bicarbonate", "of", "soda")] = runs[("bicarb", "of", "soda")] = ("baking", "soda")
    for own in POSSESSIVES:
        runs[("on", own, "way", "out")] = ("disappearing",)
        runs[("take", own, "own", "lives")] = runs[("took", own, "own", "lives")] = ("commit", "suicide")
    for verb in ("pass", "passes", "passed", "passing"):
        runs[(verb, "away")] = ("die",)
    for verb in ("pull", "pulls", "pulled", "pulling"):
        runs[(verb, "through")] = ("survive",)
    for verb, own in product(("kill", "kills", "killed", "killing"), ("themselves", "himself", "herself", "itself")):
        runs[(verb, own)] = ("commit", "suicide")
    for verb in ("come", "comes", "came", "coming"):
        runs[(verb, "up", "with")] = ("invented",)
    for verb in ("dream", "dreams", "dreamed", "dreamt", "dreaming"):
        runs[(verb, "up")] = ("invented",)
    for verb in ("go", "goes", "went", "gone", "going"):
        runs[(verb, "missing")] = ("disappear",)
    runs[("more", "powerful")] = ("stronger",)
    runs[("black", "death")] = ("plague",)
    runs[("grey", "matter")] = runs[("gray", "matter")] = ("brain",)
    runs[("pole", "star")] = ("north", "star")
    # phrasal verbs for the claims' verbs (as readings.PHRASAL, whose gate reads more units)
    for forms, particle, word in (
            ("pump pumps pumped pumping", "out", "emit"), ("give gives gave giving given", "off", "emit"),
            ("cook cooks cooked cooking", "up", "create"), ("wipe wipes wiped wiping", "out", "kill"),
            ("cover covers covered covering", "up", "hide"), ("fend fends fended fending", "off", "prevent"),
            ("stave staves staved staving", "off", "prevent"), ("packed", "with", "contain"),
            ("stuffed", "with", "contain"), ("cash cashes cashed cashing", "in", "profit"),
            ("spy spies spied spying", "on", "track"), ("die dies died dying", "out", "disappear"),
            ("fade fades faded fading", "away", "disappear")):
        for verb in forms.split():
            runs[(verb, particle)] = (word,)
    for verb, own, what in product(("play", "plays", "played", "playing"), ("the", "his", "a"), ("fiddle", "violin")):
        runs[(verb, own, what)] = ("fiddled",)
    runs[("the", "other", "way")] = ("the", "opposite", "direction")
    # the claim vocabulary's round 2 (docs/matching.md): a word or run for several of the
    # claims' words, and phrasal verbs for more of their verbs
    for one, words in (("pylon", "power lines"), ("pylons", "power lines"), ("gardasil", "hpv vaccine"),
                       ("superlights", "light cigarettes"), ("arctic", "north pole")):
        runs[(one,)] = tuple(words.split())
    runs[("pint", "sized")] = ("short",)
    runs[("monosodium", "glutamate")] = ("msg",)
    runs[("genetically", "modified")] = runs[("genetically", "engineered")] = ("gmo",)
    for face in ("face covering", "face coverings"):
        runs[tuple(face.split())] = ("mask",)
    for own in POSSESSIVES:
        runs[("on", own, "way")] = ("coming",)
    for verb in ("get", "gets", "got", "getting"):
        runs[(verb, "rid", "of")] = ("eliminate",)
    for verb, what in product(("thin", "thins", "thinned", "thinning", "cull", "culls", "culled", "culling"),
                              ("out the population", "the population", "the herd")):
        runs[(verb, *what.split())] = ("depopulation",)
    for forms, particle, word in (("ward wards warded warding", "off", "prevent"),
                                  ("clear clears cleared clearing", "up", "cure"),
                                  ("bring brings brought bringing", "in", "introduced")):
        for verb in forms.split():
            runs[(verb, particle)] = (word,)
    runs[("private", "mode")] = ("incognito", "mode")
    runs[("chem", "trails")] = ("chemtrails",)
    for grey in ("grey", "gray"):
        runs[("shades", "of", grey)] = runs[(grey + "scale",)] = ("black", "and", "white")
    for drink in ("fizzy drink", "fizzy drinks", "soft drink", "soft drinks"):
        runs[tuple(drink.split())] = ("soda",)
    runs[("bumble", "bees")] = runs[("bumble", "bee")] = ("bumblebees",)
    runs[("house", "flies")] = runs[("house", "fly")] = ("houseflies",)
    runs[("daddy", "long", "legs")] = ("daddy", "longlegs")
    runs[("dst",)] = ("daylight", "saving", "time")
    runs[("messenger", "rna")] = ("mrna",)
    runs[("horse", "dewormer")] = runs[("horse", "paste")] = ("ivermectin",)
    runs[("from", "europe")] = ("european",)
    for verb, own, head in product(("stick", "sticks", "stuck", "sticking"), POSSESSIVES, ("head", "heads")):
        runs[(verb, own, head, "in")] = ("bury", own, head, "in")
    for verb, prep in product(("set", "sets", "setting"), ("in", "on")):
        runs[(verb, "foot", prep)] = ("reach",)
    for verb in ("put", "puts", "putting"):
        runs[(verb, "up")] = ("built",)
        runs[(verb, "up", "with")] = ("tolerate",)
    return runs


def _trigger(run: tuple[str, ...]) -> str:
    """The term a unit must hold to hold ``run``: its last content word ("all" in "can't see
    at all" is too common a word to gate on: its "see" then)."""
    content = [w for w in run if w not in STOPWORDS and w not in NEGATIONS and w != "all"]
    return term_of(content[-1])


IDIOMS = _runs()
_FIRST = frozenset(run[0] for run in IDIOMS)
_LONGEST = max(map(len, IDIOMS))
# A unit holds an idiom only if it holds the idiom's trigger term and its words as a
# substring of the unit's key (its normal forms, joined): a set test first, then substring
# tests for the few units that pass (the 20 KB bench page: 27 of 211 units; 0.09 ms in all,
# where one regex search of every key took 0.7 ms).
_BY_TRIGGER: dict[str, list[str]] = {}
for _run in IDIOMS:
    _BY_TRIGGER.setdefault(_trigger(_run), []).append(" ".join(_run))
_TRIGGERS = frozenset(_BY_TRIGGER)


def idioms_may_read(terms: Iterable[str | None]) -> bool:
    """Whether units of these terms (a block's) can hold an idiom: one of its triggers."""
    return not _TRIGGERS.isdisjoint(terms)


def idioms(u: Unit) -> Unit | None:
    """The unit with each idiom read as its words, or None when it has none."""
    if u.termset.isdisjoint(_TRIGGERS):
        return None
    held = u.key.__contains__
    for t in u.termset & _TRIGGERS:
        if any(map(held, _BY_TRIGGER[t])):   # type: ignore[index]
            break
    else:
        return None
    toks, out, k, read = u.tokens, [], 0, False
    while k < len(toks):
        t = toks[k]
        words = None
        if t.norm in _FIRST:
            for n in range(min(_LONGEST, len(toks) - k), 0, -1):   # down to one word
                words = IDIOMS.get(tuple(x.norm for x in toks[k:k + n]))
                if words is not None:
                    out.extend(Token(w, t.start, toks[k + n - 1].end, t.cap) for w in words)
                    k += n
                    read = True
                    break
        if words is None:
            out.append(t)
            k += 1
    return make_unit(out, u.sent) if read else None
