"""Pure sentence splitting with offsets.

``split_sentences(text)`` returns ``(start, end)`` code-point spans, trimmed of
surrounding whitespace and bullet markers. It handles abbreviations ("Dr.",
"U.S.", "e.g."), initials, closing quotes after the stop, @handles and URLs (a
dot inside them is not followed by a space), bullet lists (a new line that
starts with a marker is a new sentence), blank lines, headlines without a final
stop, speaker labels and user names at a line's start, a reader's sign-off after a
letter ("- Farah, Bristol") and a signature's "--" line. Scanning is one pass of a
linear regex.

``split_sentences_py`` is the reference; the optional C extension ``_sentences``
gives the same spans (``split_sentences`` is it when built, unless
CLAIMNOTES_PURE_PYTHON=1), with this module's rules passed in (``_C_RULES``).
"""

from __future__ import annotations

import re

from claimnotes.textnorm import PURE_PYTHON

# Words that end with a dot but do not end a sentence (compared lower case,
# without the final dot). Not "no": "Short answer: no. Brain scans show ..." ends there
# far more often than "No." numbers something, and before a number a stop ends a
# sentence after any abbreviation anyway.
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof sr jr st vs etc e.g i.e cf al gen sen rep gov lt col capt sgt
inc ltd co corp dept univ est approx fig vol pp ph.d u.s u.k u.n a.m p.m
jan feb mar apr jun jul aug sep sept oct nov dec mt ft rev hon pres
""".split())

# A stop, any closing quotes/brackets, then the whitespace that follows; a run
# of emoji before whitespace (chat uses them as full stops); or a line break.
_STOPS = ".!?\u2026"
_CLOSERS = "\"')]\u2019\u201d"
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d"  # a class body: _sentences.c reads it so
# The pattern starts with one character class, and each branch checks the class
# of that first character with a lookbehind: so the regex engine skips ahead to
# the next candidate character in C instead of trying each position (sre does that
# for a leading class, not for a choice of branches that each start with a repeat,
# as "[.!?\u2026]+[...]*(?=\s|$)|[emoji]+(?=\s)|\u2026(?=[^\W\d_])|\n" did: the
# same matches, found 3x faster). A run matched from its first character cannot
# match from inside either: the scan starts after the previous match, and a run
# that fails from its start fails from any later character too (same end).
_BREAK_RE = re.compile(
    rf"[{_STOPS}{_EMOJI}\n]"
    rf"(?:(?<=[{_STOPS}])[{_STOPS}]*[{re.escape(_CLOSERS)}]*(?=\s|$)"
    rf"|(?<=[{_EMOJI}])[{_EMOJI}]*(?=\s)|(?<=\u2026)(?=[^\W\d_])|(?<=\n))")
_BULLET_MARKS = "-*\u2022\u00b7\u25aa\u25e6\u2023\u2043>"
# A list number is "1." or "1)", or "1/" or "(3/6)" as a thread of posts numbers its parts.
_BULLET_RE = re.compile(rf"[ \t]*(?:[{re.escape(_BULLET_MARKS)}]+|\d{{1,3}}[.)/]|\(\d{{1,3}}/\d{{1,3}}\))[ \t]+")
# A speaker or label at the start of a line: "jayden_k: ", "[08:21] Uncle Ray: ",
# "Q3: ", "u/old_school_tech: ", "dan.w: ", "Comment from Lorraine Birch: ",
# "Round 3, question 6: ", "Linda M. shared a post: " (at most three words before the
# colon, a name's initial or a word's number not counted, after a "Comment from"; then
# a reporting verb). A dot inside a word is a user name's. A label with a comma
# ("Objection, J. Harper: ") starts a sentence of its own, with a capital: before anything
# else it is the writer's sentence ("Next, Gareth asks: is it true ...", 'One, from May 9,
# says: "The ...').
_LABEL_CHAR = r"[^\s:.!?\"]"
_LABEL_WORD = rf"{_LABEL_CHAR}(?:{_LABEL_CHAR}|\.(?={_LABEL_CHAR})){{0,39}}(?:[ \t][A-Z]\.|[ \t]\d{{1,3}},?)?"
# Or, without a colon, a user name that a comment starts with ("mia.k.22 wait i thought
# ..."): lower case with a dot or an underscore inside, as no word has; or a transcript's
# time stamp alone ("[01:40] and this is colloidal silver").
_HANDLE = r"[a-z][a-z0-9_]*(?:[._][a-z0-9_]+)+[ \t]+(?=\S)|\[\d{1,2}(?::\d\d){1,2}\][ \t]+(?=\S)"
_LABEL_RE = re.compile(rf"(?![^,:\n]*,[^:\n]*:[ \t]+[^A-Z])(?:\[[^\]\n]{{1,20}}\][ \t]*)?"
                       r"(?:(?:Comment|Reply|Response|Post|Message|Answer|Review|Question|Letter|Email|Text|Note)"
                       r"[ \t](?:from|by)[ \t])?"
                       rf"(?:{_LABEL_WORD}(?:[ \t]{_LABEL_WORD}){{0,2}})"
                       r"(?:[ \t](?:wrote|said|says|posted|replied|commented|asked|shared a post))?:[ \t]+(?=\S)"
                       rf"|{_HANDLE}")
# A speech a sentence only introduces, anywhere on a line: 'He writes: "My grandad always
# said ...' (its quote runs on past the sentence) is the speech's first sentence, as a
# label is no part of it. At most three words before a reporting verb.
_SPEECH_RE = re.compile(r"[A-Z][^\s:.!?\"]*(?:[ \t][^\s:.!?\"]+){0,2}[ \t](?:writes|wrote|says|said|asks|asked"
                        r"|adds|added|explains|explained|replies|replied|continues|continued):[ \t]+(?=[\"\u201c])")
# A line that ends with a quote's attribution ('"Insanity is ... results." - Albert
# Einstein') ends its sentence before a capital on the next line, however long it is.
_ATTRIBUTED_LINE_RE = re.compile(r"[^\n]*[\"\u201d][ \t]*[-\u2013\u2014][ \t]*[A-Z][^\s.!?]*(?:[ \t]+[^\s.!?]+){0,3}[ \t]*$")
# A reader's sign-off after a letter's last stop, on its line: "... coming for the Earth.
# - Farah, Bristol", "... right? - Mia, 8". After a closing quote the same dash is a
# quote's attribution and stays with it ('"..." - Voltaire.', the labelling rule's form).
_SIGN_OFF_RE = re.compile(r"[-\u2013\u2014][ \t]+[A-Z][^\s.!?]*(?:[ \t]+[^\s.!?]+){0,3}[ \t]*(?:\n|$)")
# A line that only rules text off: an e-mail signature's "-- " delimiter, "-----", "____".
_RULE_LINE_RE = re.compile(r"[ \t]*(?:-{2,}|_{2,}|={2,}|~{2,})[ \t]*(?:\n|$)")
_RULE_CHARS = "-_=~"  # the characters a rule line is drawn with: the cheap test before the regex
# Leading/trailing characters that are not part of the quote (emoji, arrows, bullets); a
# leading "-" that is not a bullet (no space after it) is a minus sign ("-15 and snowing").
_EDGE_KEEP = "-\"'([\u201c\u2018\u00bf\u00a1@#$\u00a3\u20ac"
_TRAIL_KEEP = "\"')]\u201d\u2019.!?\u2026%"
_WORD_BEFORE_RE = re.compile(r"(\S+)$")
_HEADLINE_WORDS = 12  # a line this short without a stop, before a capital, is a sentence


def _ends_with_abbreviation(text: str, stop: int) -> bool:
    """True if the dot at ``stop`` closes an abbreviation or an initial."""
    if text[stop] != ".":
        return False
    lo = max(0, stop - 30)
    m = _WORD_BEFORE_RE.search(text, lo, stop)
    if not m:
        return False
    word = m.group(1).lstrip("(\"'\u201c\u2018").lower()
    if word in ABBREVIATIONS:
        return True
    # Initials: "J. Smith", and dotted forms like "U.S" -> the last piece is 1 letter.
    return len(word) == 1 and word.isalpha() or (len(word) >= 3 and word[-2] == "." and word[-1].isalpha())


def _is_list_item(text: str, i: int) -> bool:
    """A dash at ``i`` that starts a list item, not an attribution: a bullet followed by
    more words than a name ("- Some of you have asked for a kettle", not "- Voltaire")."""
    bullet = _BULLET_RE.match(text, i)
    if bullet is None:
        return False
    end = text.find("\n", i)
    return len(text[bullet.end():end if end >= 0 else len(text)].split()) > _ATTRIBUTION_WORDS


_ATTRIBUTION_WORDS = 4  # "- Albert Einstein, 1921" is an attribution; a longer line is a list item


def _is_rule_line(text: str, i: int) -> bool:
    """Whether the line from ``i`` (past its spaces) is a rule line (_RULE_LINE_RE)."""
    j = _next_nonspace(text, i)
    return j < len(text) and text[j] in _RULE_CHARS and _RULE_LINE_RE.match(text, i) is not None


def _next_nonspace(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def split_sentences_py(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in code points, in order, never empty."""
    cuts: list[int] = [0]
    n = len(text)
    skip_to = 0  # whitespace already scanned: keeps runs of line breaks linear
    for m in _BREAK_RE.finditer(text):
        if m.start() < skip_to:
            continue
        if m.group() == "\n":
            nl = m.start()
            after = skip_to = _next_nonspace(text, nl + 1)
            if after >= n:
                continue
            if "\n" in text[nl + 1:after]:  # blank line: always a break
                cuts.append(nl + 1)
                continue
            if _BULLET_RE.match(text, nl + 1):
                cuts.append(nl + 1)
                continue
            line_start = text.rfind("\n", 0, nl) + 1
            if _is_rule_line(text, line_start) or _is_rule_line(text, after):  # "--" of a signature
                cuts.append(nl + 1)
                continue
            line = text[line_start:nl].strip()
            words = len(line.split())
            if line and line[-1] not in ",;:-" and (
                    words <= 3 or text[after].isupper() and (
                        words <= _HEADLINE_WORDS or _ATTRIBUTED_LINE_RE.match(text, line_start, nl))):
                cuts.append(nl + 1)
            # A line that introduces the next ("The full post reads:\n\"Thanks to ...") ends
            # before it when it starts a sentence of its own: a capital or an opening quote.
            elif line[-1:] == ":" and (text[after].isupper() or text[after] in "\"\u201c"):
                cuts.append(nl + 1)
            continue
        stop = m.end() - 1
        while stop > m.start() and text[stop] not in _STOPS:
            stop -= 1
        after = skip_to = _next_nonspace(text, m.end())
        if after >= n:
            continue
        nxt = text[after]
        if m.group()[0] not in _STOPS:  # emoji run
            if not nxt.isalnum() and nxt not in "#@":  # "...swimming 🦈😱 #nature" ends before the tags
                continue
            cuts.append(m.end())
            continue
        if nxt in "-\u2013\u2014,;:":  # '"..." - Albert Einstein' stays one sentence...
            if "\n" in text[m.end():after]:
                if not (_is_list_item(text, after) or _is_rule_line(text, after)):
                    continue
            elif m.end() - 1 > stop or not _SIGN_OFF_RE.match(text, after):
                continue
            cuts.append(m.end())   # ...but "rules.\n- Some of you asked ..." is a list, and
            continue               # "... the Earth. - Farah, Bristol" a letter's sign-off
        if nxt.islower() and m.end() - 1 > stop:  # '"Really?" she asked.'
            continue
        if nxt.islower() and text[stop] in ".\u2026" and (
                _ends_with_abbreviation(text, stop) or text[stop - 1:stop + 1] == ".."
                or _BULLET_RE.match(text, text.rfind("\n", 0, stop) + 1) is not None
                and text.rfind("\n", 0, stop) + 1 + 4 >= stop):
            continue
        if _ends_with_abbreviation(text, stop) and not nxt.isdigit():
            # "Dr. Smith" / "U.S. troops": a dot after an abbreviation ends a
            # sentence only if an obvious new sentence follows (a quote or bullet, or
            # a capital on a new line: "... from Mexico into the U.S.\nAttorney General").
            if nxt not in "\"'\u201c\u2018" and not _BULLET_RE.match(text, after) and not (
                    nxt.isupper() and "\n" in text[m.end():after]):
                continue
        cuts.append(m.end())
    cuts.append(n)
    spans: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and text[a].isspace():
            a += 1
        ls = text.rfind("\n", 0, a) + 1
        line_start = a - ls < 16 and not any(c.isalnum() for c in text[ls:a])
        while a < b and not text[a].isalnum() and text[a] not in _EDGE_KEEP and not _BULLET_RE.match(text, a, b):
            a += 1
        while a < b and text[a].isspace():
            a += 1
        if line_start:
            bullet = _BULLET_RE.match(text, a, b)
            if bullet:
                a = bullet.end()
            # Only where a label can match (a colon, or a user name's first letter): cheap.
            label = _LABEL_RE.match(text, a, b) if text.find(":", a, b) >= 0 or "a" <= text[a:a + 1] <= "z" else None
            if label:
                a = label.end()
        speech = _SPEECH_RE.match(text, a, b) if text.find(":", a, b) >= 0 else None
        if speech and text.find("\"" if text[speech.end()] == "\"" else "\u201d", speech.end() + 1, b) < 0:
            a = speech.end()
        while a < b and not text[a].isalnum() and text[a] not in _EDGE_KEEP:
            a += 1
        while b > a and not text[b - 1].isalnum() and text[b - 1] not in _TRAIL_KEEP:
            b -= 1
        # An opening quote whose closing quote is in another sentence is not quoted.
        if a < b and text[a] in "\"\u201c" and text.find('"', a + 1, b) < 0 and text.find("\u201d", a + 1, b) < 0:
            a += 1
        if b > a and text[b - 1] in "\"\u201d" and text.find('"', a, b - 1) < 0 and text.find("\u201c", a, b - 1) < 0:
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


# The compiled split (_sentences.c): the same spans, linear on any text. The rules
# it does not hold itself come from here, in this order.
_C_RULES = (_STOPS, _CLOSERS, _EMOJI, _BULLET_MARKS, _BULLET_RE.match, _LABEL_RE.match, ABBREVIATIONS,
            _EDGE_KEEP, _TRAIL_KEEP, _HEADLINE_WORDS, _ATTRIBUTION_WORDS, _SIGN_OFF_RE.match,
            _RULE_LINE_RE.match, _RULE_CHARS, _ATTRIBUTED_LINE_RE.match, _SPEECH_RE.match)
try:
    from claimnotes import _sentences
except ImportError:  # not built (no C compiler at install)
    _sentences = None


def _split_sentences_c(text: str) -> list[tuple[int, int]]:
    """split_sentences_py(text), compiled."""
    return _sentences.split_sentences(text, _C_RULES)


split_sentences = split_sentences_py if _sentences is None or PURE_PYTHON else _split_sentences_c


def windows(n_words: int, size: int, step: int) -> list[tuple[int, int]]:
    """Word ranges covering ``n_words`` words in windows of ``size`` every ``step``."""
    if n_words <= size:
        return [(0, n_words)]
    out = [(i, i + size) for i in range(0, n_words - size, step)]
    out.append((n_words - size, n_words))
    return out
