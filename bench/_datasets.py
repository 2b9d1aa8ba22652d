"""Loaders for the shared claim-matching datasets (never copied into the repo).

The datasets live in ../shared/datasets relative to the repo; set
CLAIMNOTES_DATASETS or pass --datasets to point elsewhere.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from claimnotes.claim_dates import stated_day

REPO = Path(__file__).resolve().parents[1]


def datasets_dir(flag: str | None = None) -> Path:
    """Where the shared datasets are: the flag, $CLAIMNOTES_DATASETS, or ../shared/datasets."""
    path = Path(flag or os.environ.get("CLAIMNOTES_DATASETS") or REPO.parent / "shared" / "datasets")
    if not path.is_dir():
        raise SystemExit(f"datasets not found at {path} (use --datasets or CLAIMNOTES_DATASETS)")
    return path


@dataclass
class RetrievalTask:
    """A CheckThat! split: claims (id -> texts), queries (id -> text), gold (query id -> claim ids);
    for 2B also the day each claim was stated and each query was said (none for the tweets),
    each claim's author, and who said each query where its event names one speaker."""
    name: str
    claims: dict[str, list[str]]
    queries: dict[str, str]
    gold: dict[str, set[str]]
    claim_days: dict[str, date] = field(default_factory=dict)
    query_days: dict[str, date] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    query_speakers: dict[str, str] = field(default_factory=dict)


def _tsv_rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(line.split("\t"))
    return rows


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return text


def _qrels(path: Path) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = {}
    for row in _tsv_rows(path):
        gold.setdefault(row[0], set()).add(row[2])
    return gold


def checkthat2020(root: Path, split: str) -> RetrievalTask:
    d = root / "checkthat2020-task2-en"
    claims = {r[0]: [_unquote(x) for x in r[1:3]] for r in _tsv_rows(d / "verified_claims.docs.tsv")[1:] if len(r) >= 2}
    queries = {r[0]: _unquote(r[1]) for r in _tsv_rows(d / f"{split}.tweets.queries.tsv")[1:]}
    gold = _qrels(d / f"{split}.tweet-vclaim-pairs.qrels")
    return RetrievalTask(f"2020-2 {split}", claims, {q: queries[q] for q in gold}, gold)


def _vclaims(rows: list[dict], *extra: str) -> dict[str, list[str]]:
    """2021 verified claims: id -> [claim, title of the fact-check, *extra fields]."""
    return {c["vclaim_id"]: [c["vclaim"], c["title"], *(c[f] for f in extra if c.get(f))] for c in rows}


def checkthat2021a(root: Path, split: str) -> RetrievalTask:
    d = root / "checkthat2021-task2a-en"
    claims = _vclaims(read_jsonl(d / "vclaims.jsonl"))
    queries = {r[0]: r[1] for r in _tsv_rows(d / "tweets-train-dev.tsv")}
    gold = _qrels(d / f"qrels-{split}.tsv")
    return RetrievalTask(f"2021-2A {split}", claims, {q: queries[q] for q in gold}, gold)


def _event_day(iclaim_id: str) -> date | None:
    """The debate or speech's day, which starts its sentences' ids: 20170822_Trump_phoenix_0204."""
    return stated_day(f"{iclaim_id[:4]}-{iclaim_id[4:6]}-{iclaim_id[6:8]}")


# Who speaks in each 2B event of train and dev, where its id names one person: their
# speech, press conference, town hall or interview (the interviewer's lines are not
# claims). None for debates and forums (several speakers: a caller with the transcript
# would know each line's, but these sentences come without it) and for interviews whose
# id names nobody (20160417_meet_the_press, 20181015_60_min) or two people
# (20181112_trump_pelosi). Written from the ids alone, not from the gold claims.
EVENT_SPEAKERS: dict[str, str | None] = {
    # train
    "20121023_third_presidential_debate": None,
    "20150805_GOP_cleveland": None,
    "20151013_democrats_las_vegas": None,
    "20151028_GOP_boulder": None,
    "20151110_GOP_milwuakee": None,
    "20160112_Obama_state_of_the_union": "Barack Obama",
    "20160115_GOP_charlston": None,
    "20160117_democrats_charlston": None,
    "20160204_democrats_new_hampshire": None,
    "20160211_democrats_milwuakee": None,
    "20160213_GOP_greenville": None,
    "20160225_GOP_texas": None,
    "20160303_GOP_michigan": None,
    "20160309_democrats_miami": None,
    "20160311_GOP_miami": None,
    "20160329_kasich_milwuakee": "John Kasich",
    "20160331_Cruz_Miluakee": "Ted Cruz",
    "20160401_Trump_Milwaukee": "Donald Trump",
    "20160404_Hillary_meet_the_press": "Hillary Clinton",
    "20160415_NY_democratic_debate": None,
    "20160417_meet_the_press": None,
    "20160424_meet_the_press": None,
    "20160508_Trump_meet_the_press": "Donald Trump",
    "20160529_Sanders_MeetThePress": "Bernie Sanders",
    "20160622_Trump_NY_Soho": "Donald Trump",
    "20160721_Trump_draft_RNC": "Donald Trump",
    "20160901_Trump_immigration_Phoenix": "Donald Trump",
    "20160907_NBC_commander_in_chief_forum": None,
    "20160926_1pres": None,
    "20161005_vice_pres": None,
    "20161010_2pres": None,
    "20161019_3pres": None,
    "20170111_Trump_press_conference": "Donald Trump",
    "20170120_Trump_inauguration": "Donald Trump",
    "20170126_Trump_ABC": "Donald Trump",
    "20170205_Trump_Oreilly": "Donald Trump",
    "20170207_Sanders_Cruz_healthcare_debate": None,
    "20170216_Trump_press_conference": "Donald Trump",
    "20170218_Trump_Florida": "Donald Trump",
    "20170224_Tump_CPAC": "Donald Trump",
    "20170228_Trump_Congress_joint_session": "Donald Trump",
    "20170315_Trump_Nashville": "Donald Trump",
    "20170323_Trump_Times_Interview": "Donald Trump",
    "20170404_Trump_CEO_TownHall": "Donald Trump",
    "20170424_Trump_AP_interview": "Donald Trump",
    "20170430_Trumo_CBS_FactTheNation": "Donald Trump",
    "20170512_Trump_NBC_holt_interview": "Donald Trump",
    "20170601_Trump_Paris_Climate": "Donald Trump",
    "20170713_Trump_Roberston_interiew": "Donald Trump",
    "20170724_Trump_Healthcare": "Donald Trump",
    "20170803_Trump_WV": "Donald Trump",
    # dev
    "20170822_Trump_phoenix": "Donald Trump",
    "20170919_Trump_UNGA": "Donald Trump",
    "20180426_Trump_Fox_Friends": "Donald Trump",
    "20180504_Trumo_NRA": "Donald Trump",
    "20180525_Trump_Naval": "Donald Trump",
    "20180612_Trump_Singapore": "Donald Trump",
    "20180615_Trump_lawn": "Donald Trump",
    "20180628_Trump_NorthDakota": "Donald Trump",
    "20180712_Trump_NATO": "Donald Trump",
    "20180731_Trump_Tampa": "Donald Trump",
    "20180821_Trump_Charleston": "Donald Trump",
    "20181015_60_min": None,
    "20181102_Trump_Huntington": "Donald Trump",
    "20181112_trump_pelosi": None,
    "20190304_Trump_CPAC": "Donald Trump",
    "20190619_Trump_Campain_Florida": "Donald Trump",
    "20190730_democratic_debate_Detroit_1": None,
    "20190731_democratic_debate_Detroit_2": None,
    "20190912_democratic_debate": None,
}


def _event_speaker(iclaim_id: str) -> str | None:
    """Who says the sentence, if its event is one person's (a sentence id is <event>_<line>)."""
    return EVENT_SPEAKERS[iclaim_id.rpartition("_")[0]]


def checkthat2021b(root: Path, split: str) -> RetrievalTask:
    d = root / "checkthat2021-task2b-en"
    rows = read_jsonl(d / "vclaims.jsonl")
    # The article's first 300 characters too: on the train split MAP@5 0.507 -> 0.509
    # (lexical) and 0.572 -> 0.584 (semantic stage).
    claims = _vclaims(rows, "text_head")
    # PolitiFact's "stated on October 22, 2019 in a speech:" (as the importer reads it).
    stated = {c["vclaim_id"]: stated_day(c.get("date") or "") for c in rows}
    queries = {r[0]: r[1] for r in _tsv_rows(d / "iclaims-train-dev.queries.tsv")}
    gold = _qrels(d / f"qrels-{split}.tsv")
    said = {q: _event_day(q) for q in gold}
    # PolitiFact's speaker, which the importers keep as review.claim_author.
    authors = {c["vclaim_id"]: c["speaker"] for c in rows if c.get("speaker")}
    speakers = {q: _event_speaker(q) for q in gold}
    return RetrievalTask(f"2021-2B {split}", claims, {q: queries[q] for q in gold}, gold,
                         {c: day for c, day in stated.items() if day}, {q: day for q, day in said.items() if day},
                         authors, {q: who for q, who in speakers.items() if who})


TASKS = {"2020": checkthat2020, "2021a": checkthat2021a, "2021b": checkthat2021b}


def factchecked_claims(root: Path) -> list[tuple[str, str]]:
    """(id, claim text) of the 33k fact-checked claims."""
    out = []
    path = root / "factchecked-claims-33k" / "claims.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        out.append((c["id"], c["claim"]))
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class EvalPage:
    slug: str
    blocks: list[tuple[str, str]]
    expected: list[dict]  # {"claim_id", "quote"}


# The labelled page sets under fixtures/eval/. "dev" is tuned on; the held-out splits are test
# splits that nobody tunes on (issue #3: "Tune on train and dev only"). "heldout" to "heldout7"
# have all been read while tuning, so "heldout8" (labelled before the matcher first ran on it)
# is the clean one.
PAGE_SPLITS = {"dev": "pages", "heldout": "heldout/pages", "heldout2": "heldout2/pages",
               "heldout3": "heldout3/pages", "heldout4": "heldout4/pages",
               "heldout5": "heldout5/pages", "heldout6": "heldout6/pages",
               "heldout7": "heldout7/pages", "heldout8": "heldout8/pages"}


def eval_pages(split: str = "dev", repo: Path = REPO) -> tuple[list[dict], list[EvalPage]]:
    """The eval store (fixtures + eval claims) and the labelled pages of `split`
    (a key of PAGE_SPLITS, or "all" for every split as one set)."""
    store = read_jsonl(repo / "fixtures" / "claims.jsonl")
    extra = repo / "fixtures" / "eval" / "claims.jsonl"
    if extra.exists():
        store += read_jsonl(extra)
    pages = []
    for name in PAGE_SPLITS if split == "all" else [split]:
        pages_dir = repo / "fixtures" / "eval" / PAGE_SPLITS[name]
        for txt in sorted(pages_dir.glob("*.txt")) if pages_dir.is_dir() else []:
            exp = txt.with_suffix(".expected.json")
            if not exp.exists():
                continue
            try:
                expected = json.loads(exp.read_text(encoding="utf-8"))["matches"]
            except (ValueError, KeyError):  # being written right now, or malformed
                continue
            text = txt.read_text(encoding="utf-8")
            paras = [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
            blocks = [(f"{txt.stem}-{i}", p) for i, p in enumerate(paras)]
            pages.append(EvalPage(txt.stem, blocks, expected))
    return store, pages
