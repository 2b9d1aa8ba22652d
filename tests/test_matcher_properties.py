"""Hypothesis properties of the normaliser, splitter and matcher (bounded runs)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimnotes.matcher import ClaimIndex, _pronoun_units, find_similar, match_blocks, reference_match_blocks
from claimnotes.pronouns import names_in
from claimnotes.readings import readings
from claimnotes.sentences import split_sentences
from claimnotes.terms import sentence_units
from claimnotes.textnorm import normalize, tokenize

CLAIMS = [
    ("chemo", ["Chemotherapy causes cancer to spread."]),
    ("bats", ["Bats are blind."]),
    ("smith", ["Smith voted to close 12 hospitals."]),
    ("pyramids", ["Aliens built the pyramids of Giza."]),
    ("brain", ["We only use 10% of our brains."]),
]
INDEX = ClaimIndex.build(CLAIMS)

# Any code point, including lone surrogates, NUL, combining marks, RTL and zero-width.
any_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
                   max_size=200)
hostile = st.sampled_from([
    "a" * 100_000, "." * 20_000, "\n" * 20_000, "!?" * 10_000, "\ud800" * 1000, "\u0301" * 5000,
    "\u200b" * 5000, "\u202e\u05e9\u05dc\u05d5\u05dd" * 500, "\x00" * 5000, "- " * 10_000,
    "\U0001f600 " * 5000, "a. " * 10_000, "1,000," * 3000,
])
words = st.lists(st.sampled_from(
    "the a of cancer bats flight mammal blind vaccine 12 3 smith jones voted close hospital \U0001f987 "
    "caf\u00e9 \u05e9\u05dc\u05d5\u05dd ok . , ! ? \n".split(" ")), max_size=40).map(" ".join)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def utf16_slice(text: str, start: int, end: int) -> str:
    units = text.encode("utf-16-le", "surrogatepass")
    return units[2 * start:2 * end].decode("utf-16-le", "surrogatepass")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@FAST
@given(any_text)
def test_normalize_and_tokenize_never_raise(text: str) -> None:
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text) + 1
    for tok in tokenize(text):
        assert 0 <= tok.start < tok.end <= len(text)


@FAST
@given(any_text)
def test_sentences_are_ordered_spans(text: str) -> None:
    last = 0
    for a, b in split_sentences(text):
        assert last <= a < b <= len(text)
        last = b


@settings(max_examples=13, deadline=None)
@given(hostile)
def test_hostile_input_is_handled(text: str) -> None:
    for m in match_blocks([("b", text)], INDEX):
        assert utf16_slice(text, m.start, m.end) == m.quote
    for claim_id, score in find_similar(text, INDEX, limit=3):
        assert claim_id in dict(CLAIMS) and 0 <= score <= 100


@FAST
@given(any_text)
def test_find_similar_never_raises(text: str) -> None:
    res = find_similar(text, INDEX, limit=2)
    assert len(res) <= 2
    assert [s for _, s in res] == sorted((s for _, s in res), reverse=True)


@FAST
@given(st.lists(st.one_of(any_text, words), min_size=1, max_size=4))
def test_offsets_inside_block_and_quote_is_the_slice(texts: list[str]) -> None:
    blocks = [(f"b{i}", t) for i, t in enumerate(texts)]
    by_id = dict(blocks)
    for m in match_blocks(blocks, INDEX, threshold=0, explain=True):
        text = by_id[m.block_id]
        assert 0 <= m.start < m.end <= utf16_len(text)
        assert utf16_slice(text, m.start, m.end) == m.quote
        assert 0 <= m.score <= 100


@FAST
@given(words, st.sampled_from(CLAIMS), words)
def test_claim_inserted_verbatim_is_found(before: str, claim: tuple[str, list[str]], after: str) -> None:
    claim_id, (text,) = claim
    page = f"{before}\n\n{text}\n\n{after}"
    blocks = [(f"b{i}", p) for i, p in enumerate(page.split("\n\n"))]
    hits = [m for m in match_blocks(blocks, INDEX) if m.claim_id == claim_id]
    assert any(m.block_id == "b1" and m.score == 100 and text in m.quote for m in hits)


@FAST
@given(words, st.sampled_from(CLAIMS), words)
def test_claim_inside_a_sentence_is_found(before: str, claim: tuple[str, list[str]], after: str) -> None:
    claim_id, (text,) = claim
    page = f"{before}. {text} {after}"
    assert any(m.claim_id == claim_id for m in match_blocks([("b", page)], INDEX))


@FAST
@given(st.lists(st.one_of(words, any_text), min_size=1, max_size=3), st.floats(min_value=40, max_value=100))
def test_fast_path_agrees_with_reference(texts: list[str], threshold: float) -> None:
    blocks = [(f"b{i}", t) for i, t in enumerate(texts)]
    assert match_blocks(blocks, INDEX, threshold=threshold) == reference_match_blocks(
        blocks, INDEX, threshold=threshold)


@FAST
@given(st.text(alphabet=st.sampled_from(list("abcXYZ .,!?;:()\"\n'-1é\u2019\u201c$")), max_size=60))
def test_simple_words_fast_path_agrees(text: str) -> None:
    from claimnotes.textnorm import simple_words
    fast = simple_words(text)
    if fast is not None:
        tokens = tokenize(text)
        assert fast == ([t.norm for t in tokens], [t.cap for t in tokens])


# Names, contractions (two tokens, one start), numbers merged across a "5." bullet (a word
# that starts before its sentence), line breaks and long runs (windows, pairs).
name_words = st.lists(st.sampled_from(
    "The Great Wall Barack Obama NASA U.S. I'm Don't Trump'll O'Neil it they she said visible "
    "from space 12 Five five hundred . , ! ? : \n 5. - \u2022 \u201cQuote\u201d".split(" ")),
    max_size=80).map(" ".join)


@FAST
@given(st.one_of(name_words, any_text))
def test_names_fast_path_agrees_with_reference(text: str) -> None:
    units = sentence_units(text)
    assert names_in(units) == names_in(list(units))   # a plain list takes the unit-by-unit loop


# Words of every reading (negations, "means", "=", set phrases, hedges, "from"/"off" and a
# person) and of pronoun subjects, so that the block tests pass and fail.
PLAIN_READING_WORDS = ("means = with zero 0 in my Columbus's day throw themselves knock out climate crisis "
                       "basically from off him my uncle it they he she the bats are blind cancer , . ? : "
                       "pitch black all time see a thing loaded full of").split()
reading_words = st.lists(st.sampled_from(PLAIN_READING_WORDS + "not no never don't isn't \n".split(" ")),
                         max_size=60).map(" ".join)
plain_reading_words = st.lists(st.sampled_from(PLAIN_READING_WORDS), max_size=30).map(" ".join)


@FAST
@given(st.one_of(reading_words, plain_reading_words, any_text))
def test_block_tests_agree_with_unit_by_unit(text: str) -> None:
    """readings and _pronoun_units skip a block by its word set (BlockUnits.words) and
    its terms (negations, set phrases, idioms): the same as asking each unit, which a
    plain list of the units does."""
    units = sentence_units(text)
    assert readings(text, units) == readings(text, list(units))
    assert _pronoun_units(units) == _pronoun_units(list(units))
