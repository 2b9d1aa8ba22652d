"""Similar claims for a text said by a known person: name matching (speakers.py),
find_similar's speaker bonus, and POST /v1/claims/similar with `said_by`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimnotes import similar
from claimnotes.matcher import ClaimIndex, find_similar
from claimnotes.speakers import MAX_NAME, PersonName, person_name, same_person

from support import similar_ids
from test_api_errors import assert_error

TEXT = "We gave them 1.7 billion dollars in cash for nothing."


def agree(a: str, b: str) -> bool:
    x, y = person_name(a), person_name(b)
    assert x is not None and y is not None
    return same_person(x, y)


@pytest.mark.parametrize(("a", "b"), [
    ("Donald Trump", "Donald Trump"),
    ("Donald Trump", "Trump"),
    ("Donald Trump", "Donald J. Trump"),
    ("Donald J. Trump", "Donald John Trump"),
    ("Donald Trump", "D. Trump"),
    ("donald trump", "DONALD TRUMP"),
    ("President Donald Trump", "Donald Trump"),
    ("Sen. Ted Cruz", "Ted Cruz"),
    ("Trump, Donald J.", "Donald Trump"),
    ("Trump", "Ivanka Trump"),              # a bare surname names everyone with it...
    ("Bush", "Jeb Bush"),
    ("Bush", "George W. Bush"),
    ("Bush", "George P. Bush"),
    ("George Bush", "George W. Bush"),      # ...and a name without the middle initial agrees with it
    ("Hillary Clinton", "Hillary Rodham Clinton"),
    ("Beto O'Rourke", "Beto O’Rourke"),
    ("Alexandria Ocasio-Cortez", "Ocasio-Cortez"),
    ("Bill de Blasio", "de Blasio"),
    ("Chris Van Hollen", "Van Hollen"),
    ("José Peña", "Jose Pena"),
    ("Donald Trump Jr.", "Donald Trump, Jr."),
    ("Trump Jr.", "Donald Trump Jr."),
    ("Владимир Путин", "Путин"),
    ("習近平", "習近平"),
])
def test_names_of_one_person_agree(a: str, b: str) -> None:
    assert agree(a, b) and agree(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("Donald Trump", "Ivanka Trump"),
    ("Donald Trump", "Donald Trump Jr."),
    ("Trump Jr.", "Donald Trump"),
    ("Hillary Clinton", "Bill Clinton"),
    ("Bill Clinton", "William Clinton"),     # nicknames are not read
    ("George W. Bush", "George H. W. Bush"),
    ("George W. Bush", "Jeb Bush"),
    ("Bernie Sanders", "Sarah Huckabee Sanders"),
    ("Ted Cruz", "Ted Kennedy"),
    ("Trump", "Vets for Trump"),            # an organisation's name is compared whole
    ("Donald Trump", "President Trump's lawyers"),
    ("Obama", "Obama Girl"),
    ("Владимир Путин", "Vladimir Putin"),   # names are not transliterated
])
def test_names_of_others_disagree(a: str, b: str) -> None:
    assert not agree(a, b) and not agree(b, a)


def test_a_name_without_words_names_nobody() -> None:
    assert person_name("") is None and person_name(" .,- ") is None
    assert person_name("Vets for Trump") == PersonName((), "vets for trump", group=True)
    assert agree("Vets for Trump", "vets FOR trump")


_word = st.text(st.characters(categories=["Ll", "Lu"]), min_size=2, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(_word, min_size=1, max_size=4), st.sampled_from(["", "Sen. ", "President "]))
def test_a_name_agrees_with_itself_its_surname_and_its_titled_form(words: list[str], title: str) -> None:
    name = person_name(" ".join(words))
    if name is None:  # letters that normalise away (combining marks alone)
        return
    assert same_person(name, name)
    titled = person_name(title + " ".join(words))
    assert titled is not None and same_person(name, titled) and same_person(titled, name)
    bare = PersonName((), name.surname)
    assert name.group or (same_person(name, bare) and same_person(bare, name))


# ---- find_similar

IDS = ("by-trump", "by-ivanka", "by-obama", "no-author")
AUTHORS = {"by-trump": "Donald Trump", "by-ivanka": "Ivanka Trump", "by-obama": "Barack Obama"}


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build([(cid, [TEXT]) for cid in IDS] + [("other", ["Vaccines cause autism."])])


def test_without_a_speaker_or_authors_nothing_changes(index: ClaimIndex) -> None:
    plain = find_similar(TEXT, index)
    assert find_similar(TEXT, index, authors=AUTHORS) == plain
    assert find_similar(TEXT, index, said_by="Donald Trump") == plain
    assert find_similar(TEXT, index, said_by="...", authors=AUTHORS) == plain


def test_the_speakers_own_claims_get_the_bonus(index: ClaimIndex) -> None:
    plain = dict(find_similar(TEXT, index))
    res = find_similar(TEXT, index, said_by="President Donald J. Trump", authors=AUTHORS)
    assert res[0][0] == "by-trump"
    got = dict(res)
    share = similar.SPEAKER_SHARE
    assert got["by-trump"] == pytest.approx((1 - share) * plain["by-trump"] + share * 100, abs=1e-3)
    # Another person, or no author: the lexical part alone.
    for cid in ("by-ivanka", "by-obama", "no-author"):
        assert got[cid] == pytest.approx((1 - share) * plain[cid], abs=1e-3)


def test_a_surname_alone_favours_everyone_with_it(index: ClaimIndex) -> None:
    res = find_similar(TEXT, index, said_by="Trump", authors=AUTHORS)
    assert {c for c, _ in res[:2]} == {"by-trump", "by-ivanka"}


def test_the_speaker_and_the_day_together(index: ClaimIndex) -> None:
    from datetime import date
    stated = {"by-trump": date(2019, 1, 1), "by-obama": date(2019, 1, 19)}
    res = find_similar(TEXT, index, said_on=date(2019, 1, 20), stated=stated)
    assert res[0][0] == "by-obama"  # the more recent
    both = find_similar(TEXT, index, said_on=date(2019, 1, 20), stated=stated,
                        said_by="Donald Trump", authors=AUTHORS)
    assert both[0][0] == "by-trump"


# ---- over HTTP


def add_claim(api, curator, cid: str, author: str | None) -> None:
    review = {"url": f"https://factcheck.example.org/{cid}", **({"claim_author": author} if author else {})}
    body = {"id": cid, "text": TEXT, "rating": "false", "note": "The money was Iran's own.",
            "sources": [{"url": "https://example.org/iran", "title": "Iran"}], "review": review}
    response = api.post("/v1/claims", headers=curator, json=body)
    assert response.status_code == 201, response.text


def test_similar_with_said_by_over_http(api, curator) -> None:
    for cid, author in (("cash-a", None), ("cash-b", "Barack Obama"), ("cash-c", "Donald Trump"),
                        ("cash-d", "Ivanka Trump")):
        add_claim(api, curator, cid, author)
    ours = {"cash-a", "cash-b", "cash-c", "cash-d"}
    # The same text everywhere: without a speaker, ties go by id.
    assert [c for c in similar_ids(api, TEXT) if c in ours] == ["cash-a", "cash-b", "cash-c", "cash-d"]
    assert [c for c in similar_ids(api, TEXT, said_by="Donald J. Trump") if c in ours][0] == "cash-c"
    assert [c for c in similar_ids(api, TEXT, said_by="trump") if c in ours][:2] == ["cash-c", "cash-d"]
    assert [c for c in similar_ids(api, TEXT, said_by="Obama") if c in ours][0] == "cash-b"
    # An edited author is used on the next request.
    review = {"url": "https://factcheck.example.org/cash-a", "claim_author": "Barack Obama"}
    assert api.patch("/v1/claims/cash-a", headers=curator, json={"review": review, "version": 1}).status_code == 200
    assert [c for c in similar_ids(api, TEXT, said_by="Barack Obama") if c in ours][:2] == ["cash-a", "cash-b"]


@pytest.mark.parametrize("said_by", ["", "x" * (MAX_NAME + 1), 42, ["Donald Trump"], {"name": "Trump"}])
def test_similar_rejects_a_bad_speaker(api, said_by: object) -> None:
    response = api.post("/v1/claims/similar", json={"text": TEXT, "said_by": said_by})
    assert_error(response, 400)
    assert [e["key"] for e in response.json()["extra"]] == ["said_by"]  # Litestar names the field
