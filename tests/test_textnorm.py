"""Normaliser: normal forms, offset maps, tokens."""

from __future__ import annotations

import pytest

from claimnotes.textnorm import Utf16Map, normalize, simple_words, tokenize, utf16_len


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello World", "hello world"),
    ("\u201cquoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
    ("em\u2014dash en\u2013dash", "em-dash en-dash"),
    ("line\nbreak\t\ttab   spaces", "line break tab spaces"),
    ("\uff23\uff28\uff25\uff2d\uff2f", "chemo"),          # fullwidth
    ("cafe\u0301", "cafe"),                               # combining acute dropped
    ("zero\u200bwidth", "zerowidth"),
    ("\ufb01ne", "fine"),                                 # ligature
    ("Stra\u00dfe", "strasse"),                           # casefold
    ("  padded  ", "padded"),
])
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize("text", ["Hello World", "Stra\u00dfe \u201cx\u201d", "a\u0301b  c", "\ufb01 \U0001f600 z"])
def test_normalize_offsets_point_into_original(text: str) -> None:
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text) + 1
    assert norm.offsets[-1] == len(text)
    assert all(0 <= o < len(text) for o in norm.offsets[:-1])
    assert norm.offsets[:-1] == sorted(norm.offsets[:-1])


def norms(text: str) -> list[str]:
    return [t.norm for t in tokenize(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Chemo spreads", ["chemo", "spreads"]),
    ("don't", ["do", "not"]),
    ("can't won't", ["can", "not", "will", "not"]),
    ("it\u2019s they're I'd", ["it", "they", "are", "i", "would"]),
    ("10%", ["10", "percent"]),
    ("ten percent", ["10", "percent"]),
    ("ten per cent", ["10", "percent"]),
    ("twenty five", ["25"]),
    ("two million", ["2000000"]),
    ("1.5 million", ["1500000"]),
    ("10,000 cases", ["10000", "cases"]),
    ("3.5 and 2020", ["3.5", "and", "2020"]),
    # a lone number is kept as written unless a number word follows or it has a leading zero
    ("007 agents and 0 cases", ["7", "agents", "and", "0", "cases"]),
    ("5 hundred", ["500"]),
    ("12 and one hundred", ["12", "and", "100"]),
    ("1234567890123456 x", ["1234567890123456", "x"]),
    ("one hundred and five", ["105"]),
    ("covid-19 U.S.", ["covid", "u.s"]),
    ("3-second well-known", ["3", "second", "well", "known"]),
    ("end. Next", ["end", "next"]),
])
def test_tokenize_normal_forms(text: str, expected: list[str]) -> None:
    assert norms(text) == expected


@pytest.mark.parametrize("text", ["Chemo can't cure 10% of people", "\U0001f600 caf\u00e9 \u201cx\u201d", "a\u0301b"])
def test_token_spans_cover_their_words(text: str) -> None:
    for tok in tokenize(text):
        assert 0 <= tok.start < tok.end <= len(text)
        assert any(ch.isalnum() or ch == "%" for ch in text[tok.start:tok.end])


@pytest.mark.parametrize(("text", "index", "expected"), [
    ("abc", 2, 2),
    ("\U0001f600abc", 1, 2),
    ("a\U0001f600b\U0001f600c", 4, 6),
    ("a\U0001f600b\U0001f600c", 5, 7),
])
def test_utf16_offsets(text: str, index: int, expected: int) -> None:
    assert Utf16Map(text)(index) == expected
    assert utf16_len(text) == len(text.encode("utf-16-le")) // 2


def test_capitals_are_flagged() -> None:
    assert [t.cap for t in tokenize("Smith met jones")] == [True, False, False]


@pytest.mark.parametrize("text", [
    "Bats are blind.", "Smith voted, then left! (Really?)", "Vaccines cause autism: a myth",
    "U.S. troops", "ten percent", "don't", "3 cats", "e-mail", "caf\u00e9", "per cent", "a,b",
])
def test_simple_words_agrees_with_tokenize(text: str) -> None:
    fast = simple_words(text)
    if fast is not None:
        tokens = tokenize(text)
        assert fast == ([t.norm for t in tokens], [t.cap for t in tokens])


@pytest.mark.parametrize("text", [
    "Obama's plan won't work", "e-mail and well-known", "\u201cquoted\u201d $5", "rock'n'roll",
    "'single' quotes", "it\u2019s", "Trump\u2019s", "end-", "-start", "a--b", "don't-stop",
])
def test_simple_words_covers_apostrophes_and_hyphens(text: str) -> None:
    fast = simple_words(text)
    if fast is not None:
        tokens = tokenize(text)
        assert fast == ([t.norm for t in tokens], [t.cap for t in tokens])
