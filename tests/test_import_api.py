"""Import through POST /v1/import and `claimnotes import`: formats, limits, merge,
serving during an import, progress, and an import killed midway."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from claimnotes.schemas import MAX_IMPORT_BYTES
from claimnotes.store import ClaimStore

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "claimreview"


def review_lines(n: int, start: int = 0) -> bytes:
    """n fact-checks in the shape of the shared 33k dataset, each with its own review URL."""
    return "".join(json.dumps({
        "id": f"gen-{i}", "claim": f"Claim number {i} says the river {i % 97} flows uphill every spring.",
        "rating": "false", "url": f"https://factcheck.example.org/gen/{i}", "source": "Example Fact Check",
        "title": f"Check {i}", "speaker": None, "date": "", "context": ""}) + "\n"
        for i in range(start, start + n)).encode()


@pytest.mark.parametrize(("name", "created", "errors"), [
    ("factcheck-api-response.json", 6, 0), ("datacommons-feed.json", 4, 0),
    ("article-with-claimreview.html", 3, 0), ("single-claimreview.jsonld", 1, 0), ("claimreviews.csv", 4, 1),
])
def test_each_format_imports_over_http_and_reimports_without_duplicates(api, curator, name, created, errors):
    data = (SAMPLES / name).read_bytes()
    first = api.post("/v1/import", content=data, headers=curator)
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["created"], len(report["errors"])) == (created, errors)
    again = api.post("/v1/import", content=data, headers=curator).json()
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, created)


def test_imported_reviews_match_right_away(api, curator):
    api.post("/v1/import", content=(SAMPLES / "datacommons-feed.json").read_bytes(), headers=curator)
    page = {"blocks": [{"id": "p1", "text": "My uncle swears that 5G masts spread the virus, which is silly."}]}
    matches = api.post("/v1/match", json=page).json()["matches"]
    assert [m["claim"]["rating_text"] for m in matches] == ["False"]
    assert matches[0]["claim"]["sources"][0]["url"] == "https://factcheck.example.org/2021/05/5g-masts-virus/"


def test_an_import_can_create_drafts_for_review(api, curator):
    data = (SAMPLES / "single-claimreview.jsonld").read_bytes()
    report = api.post("/v1/import", params={"status": "draft"}, content=data, headers=curator).json()
    assert report["created"] == 1
    (claim,) = api.get("/v1/claims", params={"status": "draft"}, headers=curator).json()["items"]
    assert claim["review"]["url"] == "https://factcheck.example.org/2024/05/great-wall-visible-from-space/"
    page = {"blocks": [{"id": "b", "text": "The Great Wall of China is visible from space with the naked eye."}]}
    assert api.post("/v1/match", json=page).json()["matches"] == []
    assert api.post("/v1/import", params={"status": "hidden"}, content=data, headers=curator).status_code == 400


def test_near_duplicates_over_http_with_merge(api, curator):
    data = json.dumps({"claims": [{"text": "Studies prove vaccines cause autism.", "claimReview": [{
        "publisher": {"name": "Example Fact Check"}, "url": "https://factcheck.example.org/va",
        "textualRating": "False"}]}]}).encode()
    report = api.post("/v1/import", params={"dry_run": "true"}, content=data, headers=curator).json()
    assert [d["existing_id"] for d in report["duplicates"]] == ["vaccines-autism"]
    merged = api.post("/v1/import", params={"merge": "true"}, content=data, headers=curator).json()
    assert (merged["created"], merged["merged"]) == (0, 1)
    claim = api.get("/v1/claims/vaccines-autism", headers=curator).json()
    assert "Studies prove vaccines cause autism." in claim["variants"]
    assert "https://factcheck.example.org/va" in [s["url"] for s in claim["sources"]]


def test_bad_bodies_get_clear_answers(api, curator):
    broken = api.post("/v1/import", content=b'{"@type": "ClaimReview", "url": ', headers=curator)
    assert broken.status_code == 200 and broken.json()["errors"][0]["detail"].startswith("Invalid JSON")
    unknown = api.post("/v1/import", content=b'{"hello": "world"}', headers=curator)
    assert unknown.status_code == 415 and "ClaimReview" in unknown.json()["detail"]
    too_big = api.post("/v1/import", content=b"x" * (MAX_IMPORT_BYTES + 1), headers=curator)
    assert too_big.status_code == 413


def test_a_50_mb_line_over_http_is_one_row_error(api, curator):
    good = review_lines(2)
    huge = b'{"claim": "' + b"a" * 50_000_000 + b'", "source": "X", "url": "https://a.example/x"}\n'
    response = api.post("/v1/import", content=good[: good.index(b"\n") + 1] + huge + good[good.index(b"\n") + 1:],
                        headers=curator)
    assert response.status_code == 200
    report = response.json()
    assert report["created"] == 2 and [e["line"] for e in report["errors"]] == [2]
    assert "at most 1000" in report["errors"][0]["detail"]
    assert api.get("/v1/health").json()["status"] == "ok"


def test_match_keeps_answering_during_an_import(api, curator):
    data = review_lines(5_000)
    result: dict[str, object] = {}

    def run_import() -> None:
        result["response"] = api.post("/v1/import", content=data, headers=curator, timeout=120)

    worker = threading.Thread(target=run_import)
    worker.start()
    page = {"blocks": [{"id": "b", "text": "They keep saying vaccines cause autism."}]}
    statuses = []
    while worker.is_alive() and len(statuses) < 500:
        response = api.post("/v1/match", json=page)
        statuses.append(response.status_code)
        assert response.json()["matches"][0]["claim"]["id"] == "vaccines-autism"
    worker.join(timeout=120)
    assert statuses and set(statuses) == {200}
    assert result["response"].json()["created"] == 5_000


# -- the CLI ----------------------------------------------------------------


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "claimnotes", *args], capture_output=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(result.stderr.decode())
    return result


def test_cli_shows_progress_and_a_summary(tmp_path):
    db, path = str(tmp_path / "cli.db"), tmp_path / "reviews.jsonl"
    path.write_bytes(review_lines(1_200))
    result = cli("import", str(path), "--db", db, "--progress", "--report", str(tmp_path / "report.json"))
    assert "[##############################] 1200/1200 rows" in result.stderr.decode()
    assert result.stdout.decode() == ("1200 created, 0 updated, 0 unchanged, 0 errors, "
                                      "0 near-duplicates, 0 merged\n")
    assert json.loads((tmp_path / "report.json").read_text())["created"] == 1200
    dry = cli("import", str(SAMPLES / "claimreviews.csv"), "--db", db, "--dry-run").stdout.decode()
    assert dry.startswith("4 would be created") and "1 errors" in dry
    assert ClaimStore.open(db).db.execute("SELECT count(*) FROM claims").fetchone()[0] == 1200


def test_cli_merge_adds_a_near_duplicate_as_variant(tmp_path, claims_file):
    db = str(tmp_path / "cli.db")
    cli("import", str(claims_file), "--db", db)
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"claims": [{"text": "Cancer is actually a fungus.", "claimReview": [{
        "publisher": {"name": "Example Fact Check"}, "url": "https://factcheck.example.org/fungus",
        "textualRating": "False"}]}]}))
    plain = cli("import", str(path), "--db", db, "--dry-run")
    assert "line 1: near-duplicate of cancer-fungus" in plain.stderr.decode()
    merged = cli("import", str(path), "--db", db, "--merge").stdout.decode()
    assert merged.startswith("0 created") and merged.endswith("1 near-duplicates, 1 merged\n")
    store = ClaimStore.open(db)
    assert "Cancer is actually a fungus." in store.get("cancer-fungus").variants
    store.close()


def test_an_import_killed_midway_leaves_whole_batches_and_a_rerun_completes(tmp_path):
    db, path = str(tmp_path / "killed.db"), tmp_path / "reviews.jsonl"
    path.write_bytes(review_lines(12_000))
    process = subprocess.Popen([sys.executable, "-m", "claimnotes", "import", str(path), "--db", db],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = 0
    deadline = time.monotonic() + 120
    while seen == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
        try:
            conn = sqlite3.connect(db, timeout=5)
            seen = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
            conn.close()
        except sqlite3.OperationalError:  # the file or its tables don't exist yet
            pass
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 0 < seen < 12_000, "the import was not caught midway"

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    history = conn.execute("SELECT count(*) FROM claim_history").fetchone()[0]
    conn.close()
    assert claims % 500 == 0 and claims == history  # whole batches, each claim with its history

    rerun = cli("import", str(path), "--db", db).stdout.decode()
    assert rerun.startswith(f"{12_000 - claims} created, 0 updated, {claims} unchanged")
    store = ClaimStore.open(db)
    assert store.db.execute("SELECT count(*) FROM claims").fetchone()[0] == 12_000
    store.close()
