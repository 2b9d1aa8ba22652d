"""Sentence splitter: abbreviations, quotes, bullets, chat labels, windows."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimnotes.sentences import _BREAK_RE, _EMOJI, split_sentences, windows


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ("Dr. Smith met Mr. Jones. They talked.", ["Dr. Smith met Mr. Jones.", "They talked."]),
    ("The U.S. economy grew 3.5% in 2020. It slowed.", ["The U.S. economy grew 3.5% in 2020.", "It slowed."]),
    ("J. R. R. Tolkien wrote it.", ["J. R. R. Tolkien wrote it."]),
    ('"Really?" she asked. Yes.', ['"Really?" she asked.', "Yes."]),
    ("He said \"stop.\" Then left.", ["He said \"stop.\"", "Then left."]),
    ("no final stop here", ["no final stop here"]),
    ("see example.com/a.b now. ok", ["see example.com/a.b now.", "ok"]),
    ("@user_1 said hi. #tag follows", ["@user_1 said hi.", "#tag follows"]),
    ("- first item\n- second item\n* third", ["first item", "second item", "third"]),
    ("1. one\n2) two", ["one", "two"]),
    ("Headline Without Stop\nThe body starts here.", ["Headline Without Stop", "The body starts here."]),
    ("a line that wraps\nonto the next line.", ["a line that wraps\nonto the next line."]),
    ("para one\n\npara two", ["para one", "para two"]),
    ("jayden_k: the earth is flat", ["the earth is flat"]),
    ("[08:21] Uncle Ray: 5G causes covid", ["5G causes covid"]),
    ("bigdave_66: -15 and snowing, so much for warming", ["-15 and snowing, so much for warming"]),   # a minus sign
    ("Comment from Rob T.: chemo saved her.", ["chemo saved her."]),        # an initial is part of a name
    ("Linda M. shared a post: BATS ARE BLIND!!!", ["BATS ARE BLIND!!!"]),   # a reporting verb after the name
    ("Here's a romantic thought: diamonds are coal.", ["Here's a romantic thought: diamonds are coal."]),
    ("wow 😀 bats are blind", ["wow", "bats are blind"]),
    # Emoji end a post before its hashtags, so the quote stops at the claim.
    ("sharks die if they stop swimming 🦈😱 #nature #ocean", ["sharks die if they stop swimming", "#nature #ocean"]),
    ("it's true!!! otherwise no", ["it's true!!!", "otherwise no"]),
    ('"Insanity is repeating." - Albert Einstein.', ['"Insanity is repeating." - Albert Einstein.']),
    # A list item after a full stop on the line before is its own sentence; a short
    # dash line after a quote is its attribution.
    ("Rules for the kitchen.\n- Some of you asked for a kettle instead.",
     ["Rules for the kitchen.", "Some of you asked for a kettle instead."]),
    ('"Be the change you wish to see."\n- Mahatma Gandhi', ['"Be the change you wish to see."\n- Mahatma Gandhi']),
    ("e.g. this one. and i.e. that", ["e.g. this one.", "and i.e. that"]),
    ("Sort of, but no. Crapper was a real plumber.", ["Sort of, but no.", "Crapper was a real plumber."]),
    # An abbreviation or initial at a line's end before a capital ends the sentence; a
    # line ending in a colon before a capital or a quote introduces a sentence of its own.
    ("from Mexico into the U.S.\nAttorney General Sessions said", ["from Mexico into the U.S.", "Attorney General Sessions said"]),
    ("Life in the Desert, by Amira K.\n\nDeserts get little rain.", ["Life in the Desert, by Amira K.", "Deserts get little rain."]),
    ("We met Dr.\nsmith there.", ["We met Dr.\nsmith there."]),
    ('The full post reads:\n"Thanks to Obama, the media can lie."', ["The full post reads", '"Thanks to Obama, the media can lie."']),
    ("my list:\napples and pears", ["my list:\napples and pears"]),
    # A reader's sign-off is not part of the letter's last sentence; a quote's attribution is.
    ("Q: Is one side of the Moon always dark? - Jonah, 10", ["Is one side of the Moon always dark?", "- Jonah, 10"]),
    ("He's convinced one is coming for the Earth. - Farah, Bristol",
     ["He's convinced one is coming for the Earth.", "- Farah, Bristol"]),
    ('"Nobody will ever need more than 640K." - Bill Gates, 1981', ['"Nobody will ever need more than 640K." - Bill Gates, 1981']),
    ("It was cold. - and then it snowed", ["It was cold. - and then it snowed"]),   # not a name: the same sentence
    # An e-mail signature's "--" line ends the sentence before it and starts a new one.
    ('holds less and less.\n--\n"Nobody will ever need 640K." - Bill Gates',
     ["holds less and less.", '"Nobody will ever need 640K." - Bill Gates']),
    ("no stop here\n-- \nBob", ["no stop here", "Bob"]),
    # Speaker labels: user names with dots, "Comment from" and two more words, a numbered
    # heading, a user name without a colon; a comma'd opening before lower case is prose.
    ("dan.w: isn't the clock change for farmers?", ["isn't the clock change for farmers?"]),
    ("Comment from Lorraine Birch: They give off spike proteins.", ["They give off spike proteins."]),
    ("Round 3, question 6: Uncle Rob insists on wooden teeth.", ["Uncle Rob insists on wooden teeth."]),
    ("Objection, J. Harper: My objection is visual.", ["My objection is visual."]),
    ("Next, Gareth asks: is it true that private mode hides him?",
     ["Next, Gareth asks: is it true that private mode hides him?"]),
    ('One, from May 9, says: "The shooter is a leftist"', ['One, from May 9, says: "The shooter is a leftist"']),
    ("mia.k.22 wait i thought penguins lived in the arctic??", ["wait i thought penguins lived in the arctic??"]),
    ("[01:40] and this is colloidal silver, it works", ["and this is colloidal silver, it works"]),
    ("1.5 million people were there", ["1.5 million people were there"]),   # a number, not a user name
    ("2/ Ivermectin kills the covid virus.", ["Ivermectin kills the covid virus."]),   # a thread's numbered post
    ("(3/6) Then one where Gandhi tells us to be the change.\n(4/6) And a lion.",
     ["Then one where Gandhi tells us to be the change.", "And a lion."]),
    ("Question from Amira, age 10: Do black holes hoover up everything?", ["Do black holes hoover up everything?"]),
    # A speech that a sentence only introduces, its quote running on past the sentence,
    # starts the speech's first sentence; a speech quoted whole stays in its sentence.
    ('An email. He writes: "My grandad said the polio jabs gave his friends cancer. Is that true?"',
     ["An email.", "My grandad said the polio jabs gave his friends cancer.", "Is that true?"]),
    ('Then she came in. She said: "Bats are blind." Fine.', ["Then she came in.", 'She said: "Bats are blind."', "Fine."]),
    ("The rule is simple: no. Bats see.", ["The rule is simple: no.", "Bats see."]),
    # A line that ends with a quote's attribution ends its sentence, however long the quote.
    ('"Insanity is doing the same thing over and over and expecting different results." - Albert Einstein\n'
     "Nobody has ever found him saying it.",
     ['"Insanity is doing the same thing over and over and expecting different results." - Albert Einstein',
      "Nobody has ever found him saying it."]),
    ("immune cells\u2026but it is not over", ["immune cells\u2026", "but it is not over"]),
    ("", []),
    ("   \n\n  ", []),
])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize("text", [".", "...", "!?!?", "a." * 50, "\n" * 20, "- \n- ", "😀😀 😀", "\"", ": :"])
def test_spans_are_valid(text: str) -> None:
    spans = split_sentences(text)
    for a, b in spans:
        assert 0 <= a < b <= len(text)
        assert text[a:b].strip() == text[a:b]
    assert spans == sorted(spans)


@pytest.mark.parametrize(("n", "size", "step", "expected"), [
    (10, 48, 24, [(0, 10)]),
    (48, 48, 24, [(0, 48)]),
    (60, 48, 24, [(0, 48), (12, 60)]),
    (100, 48, 24, [(0, 48), (24, 72), (48, 96), (52, 100)]),
])
def test_windows(n: int, size: int, step: int, expected: list[tuple[int, int]]) -> None:
    assert windows(n, size, step) == expected


# _BREAK_RE written as a plain choice of branches: what it must find, only slower.
PLAIN_BREAK_RE = re.compile(r"[.!?\u2026]+[\"')\]\u2019\u201d]*(?=\s|$)"
                            rf"|[{_EMOJI}]+(?=\s)|\u2026(?=[^\W\d_])|\n")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aZ5_ .!?\u2026\"')]\u2019\u201d\n\t\u00a0\U0001f600\u2615\ufe0f\u200d\u00e9-", max_size=80))
def test_break_regex_finds_the_plain_breaks(text: str) -> None:
    assert [m.span() for m in _BREAK_RE.finditer(text)] == [m.span() for m in PLAIN_BREAK_RE.finditer(text)]
