"""The compiled sentence split (claimnotes._sentences) gives what the Python code gives.

sentences.split_sentences_py is the reference; sentences._split_sentences_c must give
the same spans on every block of the labelled eval pages (read as text only), on
random text, on any Unicode and on hostile text, where it must also stay linear.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import require_extension
from test_units_speedups import eval_texts

from claimnotes import sentences
from claimnotes.sentences import _C_RULES, split_sentences_py

compiled = sentences._sentences
needs_compiled = pytest.mark.skipif(
    compiled is None, reason="claimnotes._sentences is not built (no C compiler at install): only the Python code exists")


def test_the_extension_is_built() -> None:
    require_extension(compiled, "claimnotes._sentences")
    pure = os.environ.get("CLAIMNOTES_PURE_PYTHON") == "1"
    assert sentences.split_sentences is (split_sentences_py if pure else sentences._split_sentences_c)


def check_same(text: str) -> None:
    assert sentences._split_sentences_c(text) == split_sentences_py(text)


@needs_compiled
def test_every_eval_block_is_split_alike() -> None:
    texts = eval_texts()  # whole pages and their blocks
    assert len(texts) > 1000
    for text in texts:
        check_same(text)


# Characters every rule of the splitter reacts to: stops, closing quotes and brackets,
# emoji, line breaks, bullets and list numbers, label colons and brackets, capitals,
# lower case, digits, abbreviation letters, and their non-ASCII kin.
ALPHABET = ("aAbBeEgGiIjJsSrRdDuUmMxX019 .!?\u2026\"'()[]\u2019\u201d\u201c\u2018\n\t\r\u00a0\u2028"
            "-*\u2022\u00b7\u25aa\u25e6\u2023\u2043>\u2013\u2014,;:#@_%$\u00bf\u00a1"
            "\U0001f600\U0001f988\u2615\ufe0f\u200d\u0663\u00b2\u0130\u00e9\u01c5\x00\ud800")
PROSE = ("Dr. Mr. U.S. e.g. i.e. J. R. Ph.D. etc. no. Jan. vs. \u0130. \u00c9t. (Mr. \"Dr. ok. ok.. ok\u2026 "
         "- * \u2022 1. 12) 123. 1234. > jayden_k: [08:21] Uncle Ray: Rob T.: Linda M. shared a post: "
         "Q3: wrote: \"Really?\" 'no.' (yes!) she he They The A I 5G 2020 3.5% "
         "\U0001f988\U0001f631 #tag @user example.com/a.b \u201cquoted.\u201d a b ab abc smith it \u00e9t\u00e9 "
         "_x \u2013 \u2014 \u2018dr.").split()
# One text at each edge of each rule, where a slip in the compiled code would show.
EDGES = [
    "- ab. cd", "- abc. def", "1. ab. cd", "  - a. b", "\n- abc. def", "x\n-  ab. cd",  # a bullet line's stop
    "see Dr. \u00b2 more", "x" * 10 + "(" * 18 + "mr. smith", "(" * 29 + "mr. smith", "\u017ft. smith", "Stra\u00dfe. smith",
    "see Mr\n. smith", "we met with Mr\n. smith today", "see Mr\n.\nsmith", "a\n. b", "(Dr. smith", "\u2018dr. smith", "\u201cMr. Smith",
    "\"e.g. this", "'no. 5", "x.y. then", "X.Y. Then", "ab.c. then", "J. smith", "\u00c9. smith", "\u0130. smith",
    "ok.. so", "ok\u2026 so", "ok\u2026so", "ok\u2026_so", "ok\u2026\u2026so", "ok.\u2026so", "ok\u20265so",
    '"Quote." \u2013 Author', '"Quote." \u2014 Author', '"Quote." - Author', '"Quote.", he said', "Stop.; next",
    "Rules.\n- Some of you asked for a kettle instead.", "Rules.\n- Four words only here", "Rules.\n\u2013 Some of you asked",
    "Hi.\n" + " " * 15 + "Bob: hello there", "Hi.\n" + " " * 16 + "Bob: hello there", "Hi. " + "!" * 15 + " Bob: hi x",
    "\u2022 Bob: hi there", "!! - item one two three four five", "\u00bb\u00a0 - item", "wow \U0001f600 @you",
    "wow \U0001f600 #tag", "wow \U0001f600 \u00e9t\u00e9", "wow \U0001f600 - no", "wow \U0001f600\ufe0f\u200d\U0001f600 Yes",
    "one two three\nFour", "one two three four\nfive", "one two three four\nFive", "a b c d e f g h i j k l\nM",
    "a b c d e f g h i j k l m\nN", "ends with comma,\nNext", "ends with dash -\nNext", "Line one\n\nLine two",
    '"open quote. Then', 'close quote" here. And', "\u201copen. Then", "close\u201d. Then", "(x.) y", "\"Really?\" she asked.",
    "Really?\u201d she asked.", "1234. item", "123. item one two", "12) item", "\u0663. item", "*\titem", ">> quoted text here",
    "Why? - Mia, 8", "Why?\" - Mia, 8", "Why? - Mia, aged eight today now", "Why? - mia", "Why? -Mia", "Why. \u2014 Jo\nx",
    "less.\n--\nQuote", "less.\n-- \nQuote", "less\n--\nQuote", "less\n  ==  \nmore", "a\n-\nb", "a.\n__", "a\n~~~",
    "dan.w: hi there", "mia.k.22 hi there", "mia. hi", "a_b\tc", "e.g. so", "Round 3, question 6: Yes", "Next, Bob asks: is it",
    "Comment from Ann Lee Ray: hi", "Reply by a b c: hi", "2/ two", "12/ x", "1/2 cup", "[01:40] so", "[1:02:03]\tx", "[01:40]x", "[x:40] so",
    "the U.S.\nAttorney", "the U.S. \n Attorney", "Dr.\nsmith", "Dr.\n\u0130. x", "J.\n\nNext", "reads:\n\"Thanks", "reads:\n\u201cThanks",
    "reads: \nThanks", "reads:\nthanks", "reads:\n'so", ":\nA", "a:\n\u00c9t\u00e9",
]
PROPERTY = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@needs_compiled
@pytest.mark.parametrize("text", EDGES)
def test_rule_edges_are_split_alike(text: str) -> None:
    check_same(text)


@needs_compiled
@PROPERTY
@given(st.text(alphabet=ALPHABET, max_size=300))
def test_random_text_is_split_alike(text: str) -> None:
    check_same(text)


@needs_compiled
@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(PROSE),
                          st.sampled_from([" ", " ", "\n", "\n\n", " \n ", "\t", ". ", "-", "\u2014"])),
                max_size=120))
def test_random_prose_is_split_alike(parts: list[str]) -> None:
    check_same("".join(parts))


@needs_compiled
@PROPERTY
@given(st.text(max_size=300))
def test_any_unicode_is_split_alike(text: str) -> None:
    check_same(text)


# Texts the Python code itself splits in reasonable time (some of its scans are
# quadratic: a backward search for the line start per sentence, sre retrying a run of stops).
@needs_compiled
@pytest.mark.parametrize("text", [
    "\x00" * 1000 + "a\x00b. C\x00\x00.d\n\x00- x",
    "lone \ud800 surrogate. \udfff Here. And\udc00more.\n\ud800\n- \udbff item",
    "." * 1_000_000,
    "\n" * 1_000_000,
    ".\n" * 500_000,
    ". \n" * 300_000,
    "\n \t\n" * 250_000 + "end",
    ("Dr. Smith said so. - Albert Einstein\n- Some of you asked for a kettle instead.\n"
     "jayden_k: the earth is flat!!! \U0001f988\U0001f631 #nature\n1. one\n2) two\n") * 5_000,
    "ab. " * 25_000,
    "- " + "!" * 2_000 + " " * 2_000 + "word",
])
def test_hostile_text_is_split_alike(text: str) -> None:
    check_same(text)


@needs_compiled
@pytest.mark.parametrize(("unit", "period"), [
    ("ab. ", 4),            # one line of 250k sentences
    ("a. " + "x" * 5, 8),   # lower-case "x..." after a full stop
])
def test_one_long_line_stays_linear(unit: str, period: int) -> None:
    # 1 MB on one line: quadratic scans would take hours here (the Python code's take
    # minutes, so the expected spans come from the Python code on a short prefix).
    text = unit * (1_000_000 // len(unit))
    spans = sentences._split_sentences_c(text)
    short = split_sentences_py(unit * 20)
    assert sentences._split_sentences_c(unit * 20) == short
    inner = short[5]  # a span of a copy in the middle, shifted to every copy
    assert spans[:5] == short[:5]
    assert spans[5:-5] == [(inner[0] + k * period, inner[1] + k * period) for k in range(len(spans) - 10)]
    assert len(spans) == len(text) // period


RUNS = {  # a run of n characters, and the spans of the text it makes
    "stops": (lambda n: "." * n + "x", lambda n: [(n, n + 1)]),
    "ellipses": (lambda n: "\u2026" * n + "x", lambda n: [(n, n + 1)]),
    "emoji": (lambda n: "\U0001f600" * n + "x", lambda n: [(n, n + 1)]),
    "spaces": (lambda n: "!" + " " * n + "word", lambda n: [(n + 1, n + 5)]),
    "spaces and tabs": (lambda n: "x" + "\t " * n + "y.", lambda n: [(0, 2 * n + 3)]),
}


@needs_compiled
@pytest.mark.parametrize("run", RUNS)
def test_runs_stay_linear(run: str) -> None:
    # The Python code retries such a run from each of its characters (quadratic); the
    # compiled split reads it once: a 1 MB run takes no longer than reading it.
    make, spans = RUNS[run]
    assert sentences._split_sentences_c(make(2000)) == split_sentences_py(make(2000)) == spans(2000)
    assert sentences._split_sentences_c(make(1_000_000)) == spans(1_000_000)


@needs_compiled
def test_bad_arguments_raise() -> None:
    split = compiled.split_sentences
    assert split("One. Two.", _C_RULES) == [(0, 4), (5, 9)]
    with pytest.raises(TypeError):
        split(b"One. Two.", _C_RULES)
    with pytest.raises(TypeError):
        split("One. Two.", _C_RULES[:-1])
    with pytest.raises(TypeError):
        split("One. Two.", list(_C_RULES))
    for k, bad in [(0, None), (2, 5), (4, None), (6, ["dr"]), (9, "12")]:
        with pytest.raises(TypeError):
            split("One. Two.", (*_C_RULES[:k], bad, *_C_RULES[k + 1:]))
    with pytest.raises(ValueError):  # more emoji ranges than the C code holds
        split("One. Two.", (*_C_RULES[:2], "a" * 100, *_C_RULES[3:]))

    def boom(*args: object) -> None:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):  # an error in a callback comes through
        split("One.\n- two", (*_C_RULES[:4], boom, *_C_RULES[5:]))
    with pytest.raises(ZeroDivisionError):
        split("Uncle Ray: 5G causes covid", (*_C_RULES[:5], boom, *_C_RULES[6:]))
    with pytest.raises(AttributeError):  # a match must have .end()
        split("One.\n- two", (*_C_RULES[:4], lambda *args: 5, *_C_RULES[5:]))


@needs_compiled
def test_no_references_are_leaked_or_lost() -> None:
    # Every path: bullets, labels, abbreviations (ASCII and not), emoji, callbacks failing.
    text = ("Dr. Smith met \u0130. Jones.\n- Some of you asked for a kettle instead.\n"
            "[08:21] Uncle Ray: 5G causes covid \U0001f988 #tag\n1. one\n2) two\n\"Really?\" she asked. Yes.")
    failing = (*_C_RULES[:5], lambda *args: 1 / 0, *_C_RULES[6:])
    watched = [text, *_C_RULES[3:9]]  # not the ints: small ones are shared by every thread

    def run(times: int) -> None:
        failures = 0
        for _ in range(times):
            spans = compiled.split_sentences(text, _C_RULES)
            try:  # not pytest.raises: its ExceptionInfo would keep each traceback
                compiled.split_sentences(text, failing)
            except ZeroDivisionError:
                failures += 1
        assert spans == split_sentences_py(text) and len(spans) == 9 and failures == times

    run(100)
    before = [sys.getrefcount(o) for o in watched]
    tracemalloc.start()
    try:  # what each call makes is freed: memory stays flat over 2000 calls
        # Measured after a warm-up under tracing (first-time allocations) and after
        # collecting the tracebacks' reference cycles, whose number left waiting for
        # the collector depends on its timing (44 KB once, in a fresh clone's run).
        run(100)
        gc.collect()
        start = tracemalloc.get_traced_memory()[0]
        run(2000)
        gc.collect()
        assert tracemalloc.get_traced_memory()[0] - start < 20_000
    finally:
        tracemalloc.stop()
    assert [sys.getrefcount(o) for o in watched] == before


def test_pure_python_selects_the_reference() -> None:
    env = {**os.environ, "CLAIMNOTES_PURE_PYTHON": "1", "PYTHONPATH": str(sentences.__file__.rsplit("/", 2)[0])}
    code = "from claimnotes import sentences as s; print(s.split_sentences is s.split_sentences_py)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"]
