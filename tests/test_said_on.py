"""Similar claims for a text said on a known day: claim days read from review.claim_date,
find_similar's cut-off and recency prior, and POST /v1/claims/similar with `said_on`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimnotes import similar
from claimnotes.claim_dates import stated_day
from claimnotes.matcher import ClaimIndex, find_similar

from support import similar_ids
from test_api_errors import assert_error

TEXT = "The governor cut school funding by ten percent last year."
SAID = date(2019, 1, 20)


@pytest.mark.parametrize(("text", "day"), [
    ("2019-10-22", date(2019, 10, 22)),
    ("2020-03-14T00:00:00Z", date(2020, 3, 14)),
    ("October 22, 2019", date(2019, 10, 22)),
    ("stated on Sept. 5, 2019 in a speech:", date(2019, 9, 5)),
    ("Jan 3 2021", date(2021, 1, 3)),
    ("22 October 2019", date(2019, 10, 22)),
    ("3 Sept. 2020", date(2020, 9, 3)),
    ("2019-02-30", None),          # no such day
    ("Mayor 5, 2019", None),       # not a month
    ("last Tuesday", None),
    ("", None),
])
def test_stated_day_reads_the_formats_importers_keep(text: str, day: date | None) -> None:
    assert stated_day(text) == day


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build([(cid, [TEXT]) for cid in ("old", "recent", "later", "undated")] +
                            [("other", ["Vaccines cause autism in children."])])


STATED = {"old": date(2010, 1, 1), "recent": date(2019, 1, 1), "later": date(2019, 3, 1)}


def test_without_a_day_nothing_changes(index: ClaimIndex) -> None:
    plain = find_similar(TEXT, index)
    assert {c for c, _ in plain} == {"old", "recent", "later", "undated"}
    assert find_similar(TEXT, index, stated=STATED) == plain       # no said_on: dates unused
    assert find_similar(TEXT, index, said_on=SAID) == plain        # no claim days: nothing to use


def test_later_claims_are_left_out_and_recent_ones_favoured(index: ClaimIndex) -> None:
    plain = dict(find_similar(TEXT, index))
    res = find_similar(TEXT, index, said_on=SAID, stated=STATED)
    assert [c for c, _ in res] == ["recent", "old", "undated"]
    got = dict(res)
    share = similar.RECENCY_SHARE
    # The prior is blended in: 19 days back keeps most of it, nine years back almost none.
    assert got["recent"] == pytest.approx((1 - share) * plain["recent"] + share * 100 * similar.recency(19), abs=1e-3)
    assert got["old"] == pytest.approx((1 - share) * plain["old"] + share * 100 * similar.recency(3306), abs=1e-3)
    # A claim without a day is kept, with no prior: the lexical part alone.
    assert got["undated"] == pytest.approx((1 - share) * plain["undated"], abs=1e-3)


def test_a_claim_made_in_the_grace_days_after_is_kept(index: ClaimIndex) -> None:
    grace = similar.GRACE_DAYS
    inside = {"later": SAID + timedelta(days=grace)}
    outside = {"later": SAID + timedelta(days=grace + 1)}
    assert "later" in dict(find_similar(TEXT, index, said_on=SAID, stated=inside))
    assert "later" not in dict(find_similar(TEXT, index, said_on=SAID, stated=outside))


def test_recency_prior_halves_each_half_life() -> None:
    assert similar.recency(0) == similar.recency(-similar.GRACE_DAYS) == 1.0
    assert similar.recency(int(similar.RECENCY_HALF_LIFE)) == pytest.approx(0.5)
    assert 0 < similar.recency(3650) < similar.recency(365) < similar.recency(30) < 1


def test_an_earlier_claim_is_found_behind_many_later_ones() -> None:
    # More later claims than find_similar re-ranks, each closer to the text than the one
    # earlier claim: the candidates are widened until enough were made in time.
    later = [(f"later-{i}", [f"{TEXT} Source {i}."]) for i in range(2 * similar.RERANK)]
    index = ClaimIndex.build([*later, ("early", ["School funding was cut."])])
    stated = {cid: date(2019, 6, 1) for cid, _ in later} | {"early": date(2018, 12, 1)}
    assert "early" not in dict(find_similar(TEXT, index, limit=5))
    assert [c for c, _ in find_similar(TEXT, index, limit=5, said_on=SAID, stated=stated)] == ["early"]


# ---- over HTTP


def add_claim(api, curator, cid: str, claim_date: str | None) -> None:
    review = {"url": f"https://factcheck.example.org/{cid}", "claim_date": claim_date} if claim_date else None
    body = {"id": cid, "text": TEXT, "rating": "false", "note": "Funding rose.",
            "sources": [{"url": "https://example.org/budget", "title": "Budget"}]}
    response = api.post("/v1/claims", headers=curator, json=body | ({"review": review} if review else {}))
    assert response.status_code == 201, response.text


def test_similar_with_said_on_over_http(api, curator) -> None:
    add_claim(api, curator, "funding-old", "March 2, 2010")
    add_claim(api, curator, "funding-recent", "2019-01-02")
    add_claim(api, curator, "funding-later", "2019-03-01T00:00:00Z")
    add_claim(api, curator, "funding-undated", None)
    ours = {"funding-old", "funding-recent", "funding-later", "funding-undated"}
    assert ours <= set(similar_ids(api, TEXT))
    dated = [c for c in similar_ids(api, TEXT, said_on="2019-01-20") if c in ours]
    assert dated == ["funding-recent", "funding-old", "funding-undated"]
    # An edited claim day is used on the next request.
    url = "/v1/claims/funding-later"
    review = {"url": "https://factcheck.example.org/funding-later", "claim_date": "2019-01-19"}
    assert api.patch(url, headers=curator, json={"review": review, "version": 1}).status_code == 200
    assert similar_ids(api, TEXT, said_on="2019-01-20")[0] == "funding-later"


@pytest.mark.parametrize("said_on", ["2019-13-01", "20/01/2019", "2019-01-20T10:00:00Z", "", 20190120, "yesterday"])
def test_similar_rejects_a_bad_day(api, said_on: object) -> None:
    response = api.post("/v1/claims/similar", json={"text": TEXT, "said_on": said_on})
    assert_error(response, 400)
    assert [e["key"] for e in response.json()["extra"]] == ["said_on"]  # Litestar names the field


_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
_CLAIM_IDS = [f"c{i}" for i in range(12)]
_PROPERTY_INDEX = ClaimIndex.build([(cid, [f"{TEXT} Item {i}."]) for i, cid in enumerate(_CLAIM_IDS)])


@settings(max_examples=60, deadline=None)
@given(_days, st.dictionaries(st.sampled_from(_CLAIM_IDS), _days), st.integers(1, 12))
def test_no_claim_made_after_the_grace_is_returned(said: date, stated: dict[str, date], limit: int) -> None:
    res = find_similar(TEXT, _PROPERTY_INDEX, limit=limit, said_on=said, stated=stated)
    allowed = {c for c in _CLAIM_IDS if c not in stated or stated[c] <= said + timedelta(days=similar.GRACE_DAYS)}
    # Every claim made in time can come back (all match the text), up to the limit; no other does.
    ids = {c for c, _ in res}
    assert ids <= allowed
    assert len(ids) == len(res) == min(limit, len(allowed))
    assert [s for _, s in res] == sorted((s for _, s in res), reverse=True)
    assert all(0 <= s <= 100 for _, s in res)
