"""The compiled page analysis (claimnotes._units) gives what the Python code gives.

textnorm.scan_py, terms.block_units_py and pronouns.block_names_py are the reference;
textnorm._scan_c (the word scan in C, the rest in Python), terms._terms_of_c,
terms._block_units_c and pronouns._block_names_c must give the same tokens, spans,
terms, units, keys, names and negation counts: on every block of the
labelled eval pages (read as text only), on random text, and on hostile text.
"""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import require_extension

from claimnotes import pronouns, terms, textnorm
from claimnotes.sentences import split_sentences
from claimnotes.terms import Unit, sentence_units
from claimnotes.textnorm import Token, scan_py

REPO = Path(__file__).resolve().parents[1]
compiled = textnorm._units
needs_compiled = pytest.mark.skipif(
    compiled is None, reason="claimnotes._units is not built (no C compiler at install): only the Python code exists")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")  # as bench/quality.py splits a page into blocks


def eval_texts() -> list[str]:
    """Every labelled eval page, whole and block by block (the labels are not read)."""
    texts = []
    for path in sorted((REPO / "fixtures" / "eval").glob("**/pages/*.txt")):
        page = path.read_text(encoding="utf-8")
        texts.append(page)
        texts.extend(PARAGRAPH_BREAK.split(page))
    return texts


def test_the_extension_is_built() -> None:
    require_extension(compiled, "claimnotes._units")
    pure = os.environ.get("CLAIMNOTES_PURE_PYTHON") == "1"
    assert textnorm.scan is (scan_py if pure else textnorm._scan_c)
    assert terms.block_units is (terms.block_units_py if pure else terms._block_units_c)
    assert terms._cached_terms is (terms.terms_of_py if pure else terms._terms_of_c)
    assert pronouns.block_names is (pronouns.block_names_py if pure else pronouns._block_names_c)


def check_same(text: str) -> None:
    """Both scans, then both unit builders on the same words, agree on ``text``."""
    words = scan_py(text)
    assert textnorm._scan_c(text) == words
    if not words.norms:
        return
    term_list = terms.terms_of_py(words.norms)
    assert terms._terms_of_c(words.norms) == term_list
    cold = dict.fromkeys(terms._SKIP)  # as the cache starts: every other word missed
    assert compiled.cached_terms(words.norms, cold, terms.term_of) == term_list
    args = (*words, term_list, split_sentences(text))
    units, tokens, sentences = terms._block_units_c(*args)
    assert (units, tokens, sentences) == terms.block_units_py(*args)
    assert all(type(t) is Token for t in tokens) and all(type(u) is Unit for u in units)
    assert [hash(t) for t in tokens[:3]] == [hash(tuple(t)) for t in tokens[:3]]  # a Token is a tuple
    assert all(type(t) is Token for u in units for t in u.tokens)
    # sets of str and None are left to no collection (they cannot be in a cycle)
    assert not any(gc.is_tracked(u.termset) or gc.is_tracked(u.names) for u in units)
    block = sentence_units(text)
    assert pronouns._block_names_c(block) == pronouns.block_names_py(block)


@needs_compiled
def test_every_eval_block_is_analysed_alike() -> None:
    texts = eval_texts()
    assert len(texts) > 1000
    for text in texts:
        check_same(text)


# Characters every rule of the scan and of the splitter reacts to, ASCII and not.
ALPHABET = ("aAbBeEnNsStTxXzZ0123456789'.,-%!? \n\t\"()#@:;*\u2019\u2018\u201c\u201d\u2026\u2014\u00a0"
            "\u00e9\u0301\u200b\u00ad\U0001f600\u2615\x00_"
            "\u0130\u00df\u03a3\u00b2\u0663\u01c5\u2060\u200d\u4e2d\U0001d400\ud800")  # İ ß Σ ² ٣ ǅ 中 𝐀
WORDS = ("don't can't won't it's I'm they're we've she'll he'd ten twenty five hundred thousand "
         "million and per cent percent % 10,000 3.5 1.5 007 covid-19 COVID 19 3-second U.S. Dr. "
         "e.g. not no never nobody Smith Jones vaccines cause autism 2020 1,2,3 a-b-c x'y'z").split()
PROPERTY = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@needs_compiled
@PROPERTY
@given(st.text(alphabet=ALPHABET, max_size=300))
def test_random_text_is_analysed_alike(text: str) -> None:
    check_same(text)


@needs_compiled
@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from([" ", " ", ". ", ", ", "\n", "\n\n", "-"])),
                max_size=120))
def test_random_prose_is_analysed_alike(parts: list[str]) -> None:
    check_same("".join(parts))


@needs_compiled
@PROPERTY
@given(st.text(max_size=200))
def test_any_unicode_is_analysed_alike(text: str) -> None:
    check_same(text)


@needs_compiled
@pytest.mark.parametrize("text", [
    "\x00" * 1000 + "a\x00b c\x00\x00.d",
    "lone \ud800 surrogate \udfff here. And\udc00more",
    "x" * 1_000_000,
    "-".join(["ab"] * 200_000),
    ",".join(["1"] * 300_000),
    "'".join(["z"] * 300_000),
    ("Twenty five million people don't know it's 10,000 per cent. " * 20_000)[:1_000_000],
    ("Nobody said vaccines do not cause autism! " * 25_000)[:1_000_000],
    "%" * 100_000,
    "\n" * 100_000 + "end",
    "Z" * 48 * 50 + " " + " ".join(["w"] * 5000),
])
def test_hostile_text_is_analysed_alike(text: str) -> None:
    check_same(text)


@needs_compiled
def test_bad_arguments_raise() -> None:
    words = scan_py("Some words here. And not there.")
    good = (*words, terms.terms_of(words.norms), split_sentences("Some words here. And not there."))
    consts = (Token, Unit, terms.NEGATIONS, terms._negs, terms._NO_NEGS, 48, 24, 30)
    assert compiled.block_units(*good, *consts) == terms.block_units_py(*good)
    with pytest.raises(TypeError):
        compiled.scan_words(b"cafe", textnorm._split_word, textnorm._SPECIAL_WORDS)
    with pytest.raises(TypeError):
        compiled.scan_words("cafe", None, textnorm._SPECIAL_WORDS)
    with pytest.raises(TypeError):
        compiled.scan_words("don't", lambda w: [1], textnorm._SPECIAL_WORDS)
    with pytest.raises(ZeroDivisionError):
        compiled.scan_words("don't", lambda w: 1 / 0, textnorm._SPECIAL_WORDS)
    with pytest.raises(TypeError):
        compiled.scan_words("cafe", textnorm._split_word)
    with pytest.raises(ValueError):  # columns of different lengths
        compiled.block_units(good[0][:-1], *good[1:], *consts)
    with pytest.raises(TypeError):
        compiled.block_units(*good[:5], [(0,)], *consts)
    with pytest.raises(TypeError):
        compiled.block_units(*good[:5], [("0", 9)], *consts)
    with pytest.raises(ValueError):
        compiled.block_units(*good, *consts[:5], 0, 24, 30)
    with pytest.raises(ZeroDivisionError):  # an error in negs_of comes through
        compiled.block_units(*good, *consts[:3], lambda tokens, norms: 1 / 0, *consts[4:])
    with pytest.raises(ZeroDivisionError):
        compiled.cached_terms(["word"], {}, lambda w: 1 / 0)
    block = sentence_units("Some words here. And Smith not there.")
    columns = [block.tokens, block.terms, block.starts, block.caps, block.sentences]
    assert [[t.norm for t in name] for name in compiled.block_names(*columns)] == [["smith"]]
    with pytest.raises(ValueError):  # columns of different lengths
        compiled.block_names(columns[0][:-1], *columns[1:])
    with pytest.raises(TypeError):
        compiled.block_names(*columns[:4], [(0,)])
    with pytest.raises(TypeError):
        compiled.block_names(columns[0], [7] * len(columns[0]), *columns[2:])
    with pytest.raises(TypeError):
        compiled.block_names(*columns[:4], tuple(columns[4]))
    with pytest.raises(IndexError):
        compiled.block_names(*columns[:4], [(len(columns[0]), len(columns[0]) + 1, 0)])
    # a sentence whose first token starts before it (inside a merged number): None
    block.sentences = [(0, 3, block.starts[0] + 1)]
    assert compiled.block_names(*columns[:4], block.sentences) is None
    assert pronouns.block_names_py(block) is None
    with pytest.raises(TypeError):
        compiled.cached_terms(("word",), {}, terms.term_of)
    with pytest.raises(TypeError):  # a list is not a key
        compiled.cached_terms([["word"]], {}, terms.term_of)


@needs_compiled
def test_no_references_are_leaked_or_lost() -> None:
    text = "Twenty five people don't know it's 10,000 per cent. Nobody said Smith was not here."
    words = scan_py(text)
    term_list = terms.terms_of(words.norms)
    spans = split_sentences(text)
    consts = (Token, Unit, terms.NEGATIONS, terms._negs, terms._NO_NEGS, 48, 24, 30)
    watched = [text, textnorm._split_word, textnorm._SPECIAL_WORDS, *words, term_list, spans, *consts[:5],
               *words.norms, *filter(None, term_list)]  # not None nor small ints: counted everywhere

    def run(times: int) -> None:
        for _ in range(times):
            scanned = compiled.scan_words(text, textnorm._split_word, textnorm._SPECIAL_WORDS)
            result = compiled.block_units(*words, term_list, spans, *consts)
            fresh = compiled.cached_terms(words.norms, {"said": None}, terms.term_of)
            names = compiled.block_names(result[1], term_list, words.starts, words.caps, result[2])
        assert result == terms.block_units_py(*words, term_list, spans)
        assert [[t.norm for t in name] for name in names] == [["smith"]]
        assert fresh[words.norms.index("said")] is None and fresh[0] == term_list[0]
        assert len(scanned[0]) == len(words.norms) + 2  # before numbers and "per cent" are merged

    run(100)  # term_of's own cache keeps the words it was first asked
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


def canonical(text: str) -> list:
    """sentence_units(text) and analyse(text) as JSON-ready data (sets sorted)."""
    units = [[[list(t) for t in u.tokens], u.terms, u.key, list(u.sent), sorted(u.names), u.negs,
              sorted(u.termset, key=str)] for u in sentence_units(text)]
    entry = terms.analyse(text)
    return [units, list(entry.terms), list(entry.names), entry.neg]


PAGE_DUMP = """
import json, sys
sys.path.insert(0, {tests!r})
from test_units_speedups import canonical, eval_texts
print(json.dumps([canonical(t) for t in eval_texts()]))
"""


def test_pure_python_gives_the_same_units() -> None:
    # The whole page analysis of every eval block, with and without the extension.
    env = {**os.environ, "CLAIMNOTES_PURE_PYTHON": "1", "PYTHONPATH": str(REPO / "server")}
    code = PAGE_DUMP.format(tests=str(REPO / "tests"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [canonical(t) for t in eval_texts()]
    code = "from claimnotes import terms, textnorm; print(textnorm.scan is textnorm.scan_py, " \
           "terms.block_units is terms.block_units_py, terms._cached_terms is terms.terms_of_py)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]
