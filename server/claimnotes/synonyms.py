"""Pure word tables for the matcher: stopwords, negations, synonyms, a light stemmer.

Synonyms map a word (lower case, before stemming) to the word whose stem stands
for both, so "chemo" and "chemotherapy" become one term. Keep entries
unambiguous: a wrong synonym makes false highlights.
"""

from __future__ import annotations

STOPWORDS = frozenset("""
a about above after again against also am an and any are as at be because been
before being below between both but by could did do does doing down during each
for from further had has have having he her here hers herself him himself his how i
if in into is it its itself just let me my myself of off on once or
other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under
until up very was we were what when where which while who whom why will with would
you your yours yourself yourselves can may might must shall us via per s t
new says said say one ever even still really actually also well yet get got
""".split())

# Words that flip a claim. "nothing but", "not just", "no doubt", "no wonder", "don't know
# (that)" are not negations of what follows.
NEGATIONS = frozenset("not no never none nothing nobody neither nor cannot".split())
NOT_NEGATING_NEXT = frozenset("but just only merely simply doubt wonder matter know realize realise forget".split())

SYNONYMS = {
    # abbreviations and clippings
    "chemo": "chemotherapy", "chemotherapies": "chemotherapy",
    "jab": "vaccine", "jabs": "vaccine", "vax": "vaccine", "vaxx": "vaccine", "vaxxed": "vaccinated", "vaccination": "vaccinated",
    "vaccinations": "vaccinated", "vaccinate": "vaccinated", "vaccines": "vaccine",
    "immunization": "vaccinated", "immunisation": "vaccinated",
    "govt": "government", "gov't": "government", "gov": "government",
    "u.s": "usa", "u.s.a": "usa", "america": "usa", "american": "usa", "americans": "usa",
    "covid-19": "covid", "covid19": "covid", "coronavirus": "covid", "sars-cov-2": "covid",
    "ww1": "wwi", "ww2": "wwii", "ww-ii": "wwii", "ww-i": "wwi",
    "meds": "medication", "med": "medication", "medicine": "medication", "medicines": "medication",
    "drugs": "drug", "docs": "doctor", "dr": "doctor", "physician": "doctor", "physicians": "doctor",
    "kids": "children", "kid": "children", "child": "children",
    "pct": "percent", "percentage": "percent",
    "tumour": "tumor", "tumours": "tumor", "tumors": "tumor",
    "flunk": "fail", "flunked": "fail", "flunks": "fail", "flunking": "fail",
    "metastasize": "spread", "metastasizes": "spread", "metastasise": "spread",
    "fluoridated": "fluoride", "fluoridation": "fluoride",
    "mmr": "measles", "gmos": "gmo", "lawmakers": "legislator", "lawmaker": "legislator",
    "antiperspirant": "deodorant", "antiperspirants": "deodorant", "deodorants": "deodorant",
    "mindset": "attitude", "outlook": "attitude", "attitudes": "attitude",
    "aluminum": "aluminium", "colour": "color", "colours": "color",
    "alter": "change", "alters": "change", "altered": "change", "altering": "change",
    "modify": "change", "modifies": "change", "modified": "change",
    "hrs": "hours", "hr": "hour", "mins": "minutes", "yrs": "years", "yr": "year",
    "millions": "million", "billions": "billion",
    "died": "die", "dies": "die", "dying": "die", "dead": "die", "death": "die", "deaths": "die",
    "killed": "kill", "kills": "kill", "killing": "kill",
    "bought": "buy", "sold": "sell", "paid": "pay", "made": "make", "gave": "give", "given": "give",
    "took": "take", "taken": "take", "went": "go", "gone": "go", "won": "win", "lost": "lose",
    "children's": "children", "women": "woman", "men": "man", "people": "person",
    "mice": "mouse", "teeth": "tooth", "feet": "foot",
}


def _has_vowel(s: str) -> bool:
    return any(c in "aeiouy" for c in s)


def _stem_once(w: str) -> str:
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    for suffix in ("ingly", "edly", "ing", "ed"):
        if w.endswith(suffix):
            head = w[: -len(suffix)]
            if len(head) >= 3 and _has_vowel(head):
                w = head
                if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                    w = w[:-1]
            break
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("y") and len(w) > 3:
        w = w[:-1] + "i"
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def stem(word: str) -> str:
    """A light suffix-stripping stem; applied to a fixed point so word families agree."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for _ in range(3):
        nxt = _stem_once(word)
        if nxt == word:
            break
        word = nxt
    return word
