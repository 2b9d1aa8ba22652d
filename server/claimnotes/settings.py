"""Server settings: one frozen struct, read from the environment only in from_env()."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

# The repository's fixtures/ folder; the default claim store is loaded from it.
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SEED_FILE = REPO_ROOT / "fixtures" / "claims.jsonl"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the app needs to know; tests build their own."""

    db_path: str = "claimnotes.db"
    """SQLite database file (CLAIMNOTES_DB)."""

    seed: bool = True
    """Load the default claims into a new, empty database (CLAIMNOTES_SEED=0 turns it off)."""

    seed_file: str = str(DEFAULT_SEED_FILE)
    """JSONL file of default claims (CLAIMNOTES_SEED_FILE)."""

    require_reader_token: bool = False
    """Require a bearer token (any role) on the reader endpoints (CLAIMNOTES_REQUIRE_READER_TOKEN=1)."""

    cors_origins: tuple[str, ...] = ()
    """Extra origins allowed by CORS besides extension origins (CLAIMNOTES_CORS_ORIGINS, comma separated)."""

    match_rate_limit: int = 600
    """Requests per minute one client may send to the reader endpoints (0 turns the limit off)."""

    curator_rate_limit: int = 1_200
    """Requests per minute one client may send to the curator endpoints (0 turns the limit off)."""

    semantic: bool = False
    """Re-rank similar claims with sentence embeddings (CLAIMNOTES_SEMANTIC=1; needs the `semantic` extra)."""

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from CLAIMNOTES_* variables, then explicit overrides."""
        env = os.environ
        values: dict[str, object] = {}
        if "CLAIMNOTES_DB" in env:
            values["db_path"] = env["CLAIMNOTES_DB"]
        if "CLAIMNOTES_SEED" in env:
            values["seed"] = env["CLAIMNOTES_SEED"] not in ("0", "false", "no", "")
        if "CLAIMNOTES_SEED_FILE" in env:
            values["seed_file"] = env["CLAIMNOTES_SEED_FILE"]
        if "CLAIMNOTES_REQUIRE_READER_TOKEN" in env:
            values["require_reader_token"] = env["CLAIMNOTES_REQUIRE_READER_TOKEN"] in ("1", "true", "yes")
        if env.get("CLAIMNOTES_CORS_ORIGINS"):
            values["cors_origins"] = tuple(
                o.strip() for o in env["CLAIMNOTES_CORS_ORIGINS"].split(",") if o.strip())
        if "CLAIMNOTES_SEMANTIC" in env:
            values["semantic"] = env["CLAIMNOTES_SEMANTIC"] in ("1", "true", "yes")
        for name, var in (("match_rate_limit", "CLAIMNOTES_MATCH_RATE_LIMIT"),
                          ("curator_rate_limit", "CLAIMNOTES_CURATOR_RATE_LIMIT")):
            if var in env:
                values[name] = int(env[var])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
