"""Who said it: a person's name as a caller writes it (``said_by``) against a claim's
``review.claim_author``, for find_similar. Pure; conservative by design: a wrong
"same person" would lift another person's claims, a missed one only loses a bonus.

Names are compared as (given names, surname, suffix) after normalising case, accents and
punctuation and dropping leading titles ("Sen.", "President"):

- the surnames must be equal ("Ocasio-Cortez" and "O'Rourke" are one word each;
  "de Blasio", "Van Hollen" join their particle);
- a bare surname on either side agrees with every name of that surname: "Bush" is
  George W., George P. and Jeb Bush alike, and "Trump" is Ivanka Trump too;
- otherwise the given names are compared in order, as far as both sides have them: each
  pair equal, or an initial and a name it starts ("Donald J. Trump" = "Donald Trump" =
  "D. Trump" = "Donald John Trump"; "George W. Bush" != "George H. W. Bush"), and the
  suffixes equal ("Donald Trump" != "Donald Trump Jr.");
- nicknames are not read ("Bill Clinton" != "William Clinton");
- a name with a connecting word ("Vets for Trump", "Friends of the Earth") is an
  organisation's: it agrees only with the same name, word for word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

MAX_NAME = 100  # characters of a said_by: a long name with its titles fits

# Leading words that are a role, not a name.
_TITLES = frozenset("""mr mrs ms miss mx dr prof sen senator rep representative gov governor
    president pres vice former congressman congresswoman mayor secretary sec judge justice
    rev reverend gen general lt col speaker leader sir dame lord lady""".split())
_SUFFIXES = frozenset("jr sr ii iii iv".split())
# Lower-case words that belong to the surname that follows ("de Blasio", "Van Hollen").
_PARTICLES = frozenset("de del della der den di da du la le van von st".split())
# Words that make a name an organisation's or a group's.
_CONNECTORS = frozenset("for of the and against".split())
_JOINERS = re.compile(r"[\u0027\u2019\u02bc\u2010\u2011-]")  # apostrophes, hyphens
_NOT_WORD = re.compile(r"[^\w,]+|_+")  # any script's letters are kept: "Владимир Путин"


class PersonName(NamedTuple):
    given: tuple[str, ...]  # first and middle names or initials, in order
    surname: str
    suffix: str = ""
    group: bool = False     # an organisation's or a group's name: compared whole


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NOT_WORD.sub(" ", _JOINERS.sub("", text))


@functools.lru_cache(maxsize=65_536)
def person_name(text: str) -> PersonName | None:
    """The name in ``text``, or None when it has no word to compare."""
    plain = _plain(text[: 2 * MAX_NAME])
    head, _, tail = plain.partition(",")
    words = head.split()
    rest = tail.replace(",", " ").split()
    suffix = ""
    if rest and rest[-1] in _SUFFIXES:  # "Donald Trump, Jr."
        suffix = rest.pop()
    words = rest + words if rest else words  # "Trump, Donald J." -> "Donald J. Trump"
    if words and words[-1] in _SUFFIXES and len(words) > 1:
        suffix = words.pop()
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    if not words:
        return None
    if any(w in _CONNECTORS for w in words):
        return PersonName((), " ".join(words), suffix, group=True)
    merged: list[str] = []
    for word in reversed(words):
        if merged and word in _PARTICLES:
            merged[-1] = word + merged[-1]
        else:
            merged.append(word)
    merged.reverse()
    return PersonName(tuple(merged[:-1]), merged[-1], suffix)


def _same_given(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def same_person(a: PersonName, b: PersonName) -> bool:
    """Whether two names can be one person, by the rules above (symmetric)."""
    if a.surname != b.surname or a.group != b.group:
        return False
    if a.group:
        return a == b
    bare_a, bare_b = not a.given and not a.suffix, not b.given and not b.suffix
    if bare_a or bare_b:
        return True
    if a.suffix != b.suffix:
        return False
    return all(_same_given(x, y) for x, y in zip(a.given, b.given))
