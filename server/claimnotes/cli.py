"""`claimnotes serve|token|import|export|match|backup`: parse arguments, call functions."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

DEFAULT_DB = "claimnotes.db"


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=os.environ.get("CLAIMNOTES_DB", DEFAULT_DB),
                        help="SQLite database file (default: $CLAIMNOTES_DB or ./claimnotes.db)")


def _open(args: argparse.Namespace, *, seed: bool = False):
    from claimnotes.app import seed_store
    from claimnotes.settings import Settings
    from claimnotes.store import ClaimStore

    store = ClaimStore.open(args.db)
    if seed:
        seed_store(store, Settings.from_env().seed_file)
    return store


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from claimnotes.serving import TIMEOUT_ENV, DeadlineH11Protocol

    os.environ["CLAIMNOTES_DB"] = args.db
    os.environ[TIMEOUT_ENV] = str(args.request_timeout)
    if args.no_seed:
        os.environ["CLAIMNOTES_SEED"] = "0"
    # Workers re-create the app from the environment; each follows store_version.
    uvicorn.run("claimnotes.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, access_log=args.access_log, log_level=args.log_level,
                timeout_keep_alive=5, limit_concurrency=args.limit_concurrency,
                http=DeadlineH11Protocol, h11_max_incomplete_event_size=64 * 1024)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from claimnotes.errors import ClaimNotesError
    from claimnotes.tokens import create_token, list_tokens, revoke_token

    store = _open(args)
    try:
        if args.token_cmd == "create":
            secret, _ = create_token(store.db, args.name, args.role)
            print(secret)  # the only time the secret is shown; nothing else on stdout
        elif args.token_cmd == "list":
            for t in list_tokens(store.db):
                state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
                print(f"{t.id}\t{t.name}\t{t.role}\t{t.created_at}\t{state}")
        else:
            info = revoke_token(store.db, args.name)
            print(f"revoked {info.name} ({info.id})", file=sys.stderr)
    except ClaimNotesError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _progress_bar(total: int, enabled: bool):
    """A callback drawing `[#####.....] done/total rows` on stderr (a terminal, or --progress)."""
    width = 30

    def draw(done: int) -> None:
        if enabled and total:
            filled = width * min(done, total) // total
            print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows",
                  end="", file=sys.stderr, flush=True)
    return draw


def _print_report(report, args: argparse.Namespace, limit: int = 50) -> None:
    listed = (("error", [f"line {e.line}: {e.detail}" for e in report.errors]),
              ("near-duplicate", [f"line {d.line}: near-duplicate of {d.existing_id} (score {d.score:.0f})"
                                  for d in report.duplicates]))
    for kind, lines in listed:
        for line in lines[:limit]:
            print(line, file=sys.stderr)
        if len(lines) > limit:
            print(f"... and {len(lines) - limit} more {kind}s (--report FILE lists all)", file=sys.stderr)
    verb = "would be " if args.dry_run else ""
    print(f"{report.created} {verb}created, {report.updated} {verb}updated, "
          f"{report.skipped} unchanged, {len(report.errors)} errors, "
          f"{len(report.duplicates)} near-duplicates, {report.merged} {verb}merged")


def cmd_import(args: argparse.Namespace) -> int:
    import msgspec

    from claimnotes.errors import ClaimNotesError
    from claimnotes.importers import read_rows
    from claimnotes.importers.apply import apply_rows

    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    store = _open(args)
    show = args.progress or sys.stderr.isatty()
    try:
        # Parsed up front so that the bar knows the total (33k rows take ~1 s).
        rows = list(read_rows(data))
        report = apply_rows(store, rows, args.author, atomic=args.atomic, dry_run=args.dry_run,
                            merge=args.merge, new_status=args.status,
                            progress=_progress_bar(len(rows), show))
    except ClaimNotesError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    finally:
        store.close()
    if show:
        print(file=sys.stderr)
    if args.report:
        Path(args.report).write_bytes(msgspec.json.format(msgspec.json.encode(report)))
    _print_report(report, args)
    return 1 if report.errors and args.atomic else 0


def cmd_export(args: argparse.Namespace) -> int:
    from claimnotes.exporters import DEFAULT_BASE_URL, EXPORTERS

    export, _ = EXPORTERS[args.format]
    store = _open(args)
    try:
        out = open(args.output, "wb") if args.output else sys.stdout.buffer
        with store.snapshot():
            for chunk in export(store.all(), args.base_url or DEFAULT_BASE_URL):
                out.write(chunk)
        out.flush()
        if args.output:
            out.close()
    finally:
        store.close()
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    from claimnotes.live_index import LiveIndex
    from claimnotes.pagetext import extract_blocks

    page = Path(args.file).read_text(encoding="utf-8", errors="replace")
    blocks = extract_blocks(page)
    texts = dict(blocks)
    store = _open(args, seed=not args.no_seed)
    try:
        live = LiveIndex()
        live.load(store)
        found, _ = live.match(store, blocks, explain=args.explain)
    finally:
        store.close()
    for m, card in found:
        text = texts[m.block_id]
        # Offsets are UTF-16 units; convert back to find the surrounding text.
        encoded = text.encode("utf-16-le")
        before = encoded[max(0, m.start - 60) * 2:m.start * 2].decode("utf-16-le", "replace")
        after = encoded[m.end * 2:(m.end + 60) * 2].decode("utf-16-le", "replace")
        print(f"{m.block_id} [{m.start}:{m.end}] score {m.score:.1f}  {card.id} ({card.rating})")
        print(f"    ...{before}[[{m.quote}]]{after}...".replace("\n", " "))
        print(f"    claim: {card.text}")
        if args.explain and m.parts:
            print("    parts: " + ", ".join(f"{k}={v:.2f}" for k, v in m.parts.items()))
    print(f"{len(found)} matches in {len(blocks)} blocks", file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the live database with SQLite's online backup API (safe while serving)."""
    source = sqlite3.connect(args.db)
    target = sqlite3.connect(args.path)
    try:
        with target:
            source.backup(target, pages=1024)
        ok = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    print(f"backup of {args.db} written to {args.path} (integrity_check: {ok})", file=sys.stderr)
    return 0 if ok == "ok" else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimnotes", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    _db_arg(serve)
    serve.add_argument("--no-seed", action="store_true", help="don't load the default claims into a new database")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (each follows the store)")
    serve.add_argument("--access-log", action="store_true", help="log each request line (off by default for privacy)")
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--limit-concurrency", type=int, default=200,
                       help="answer 503 beyond this many open connections")
    serve.add_argument("--request-timeout", type=float, default=30.0,
                       help="seconds a client has to send a whole request (slow clients are dropped)")
    serve.set_defaults(func=cmd_serve)

    token = sub.add_parser("token", help="create, list or revoke API tokens")
    tsub = token.add_subparsers(dest="token_cmd", required=True)
    create = tsub.add_parser("create", help="print a new token once on stdout")
    create.add_argument("--role", choices=["reader", "curator", "admin"], required=True)
    create.add_argument("--name", required=True)
    _db_arg(create)
    lst = tsub.add_parser("list", help="list tokens (never their secrets)")
    _db_arg(lst)
    revoke = tsub.add_parser("revoke", help="revoke a token by name or id")
    revoke.add_argument("name")
    _db_arg(revoke)
    for p in (create, lst, revoke):
        p.set_defaults(func=cmd_token)

    imp = sub.add_parser("import", help="import claims from a file, or - for stdin")
    imp.add_argument("file")
    _db_arg(imp)
    imp.add_argument("--atomic", action="store_true", help="all or nothing")
    imp.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    imp.add_argument("--author", default="cli", help="name recorded in the history (default: cli)")
    imp.add_argument("--merge", action="store_true",
                     help="add a near-duplicate to the claim it repeats, as a variant and a source")
    imp.add_argument("--status", choices=["draft", "published"],
                     help="status of the claims this import creates (default: each row's own)")
    imp.add_argument("--progress", action="store_true", help="draw the progress bar even when stderr is not a terminal")
    imp.add_argument("--report", metavar="FILE", help="write the full report (every error and near-duplicate) as JSON")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export every claim")
    _db_arg(exp)
    exp.add_argument("--format", default="jsonl", choices=["jsonl", "claimreview"])
    exp.add_argument("--base-url", default=None,
                     help="the server's public URL, for our own claims' ClaimReview url (default: http://127.0.0.1:8000)")
    exp.add_argument("-o", "--output", help="file to write (default: stdout)")
    exp.set_defaults(func=cmd_export)

    match = sub.add_parser("match", help="match a .txt or .html page against the store")
    match.add_argument("file")
    _db_arg(match)
    match.add_argument("--no-seed", action="store_true", help="don't load the default claims into a new database")
    match.add_argument("--explain", action="store_true", help="show each match's score parts")
    match.set_defaults(func=cmd_match)

    backup = sub.add_parser("backup", help="copy the database safely while the server runs")
    backup.add_argument("path")
    _db_arg(backup)
    backup.set_defaults(func=cmd_backup)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
