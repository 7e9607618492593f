"""The ``saison`` command: serve, worker, migrate, demo, documents, import, createuser, backup,
restore, export, import-archive. Errors print one clear line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import warnings
from collections.abc import Callable
from typing import Any

from server.settings import Settings, get_settings

# Each command imports what it uses when it runs (below, inside the functions), so `saison
# --help` and `saison migrate` start without loading the web and document stacks.


class CliError(Exception):
    """An error the person at the terminal can act on; printed as one line."""


def settings() -> Settings:
    """The environment's settings, installed in this process once (``server.configure``)."""
    from server.configure import configure

    return configure(get_settings())


def database_url(start_embedded: bool = True) -> tuple[str, Any]:
    """The configured server, or the embedded one started (and migrated) under the data dir."""
    settings = get_settings()
    if settings.database_url:
        return settings.database_url, None
    if not start_embedded:
        raise CliError("set DATABASE_URL, or run without it to use the embedded PostgreSQL")
    from server.db.embedded import start_embedded as start

    server, url = start(settings.data_dir)
    return url, server


def migrate(url: str) -> None:
    from server.db.migrate import upgrade

    upgrade(url)


def cmd_migrate(args: argparse.Namespace) -> None:
    url, _server = database_url()
    migrate(url)
    _run(_first_admin, url)
    print("Database schema is up to date.")


def _run(coro_factory: Callable[[Any], Any], url: str, organisation: bool = True) -> Any:
    """Run a command's work on the database; first (unless ``organisation`` is False: a load
    into an empty database, which must stay empty until then) the organisation's record is
    filled at the first start and its zone and language applied."""
    from server.db.engine import Database

    async def main() -> Any:
        from server.core.organisation import prepare

        db = Database(url, pool_size=4, settings=settings())
        try:
            if organisation:
                await prepare(db, db.settings)
            return await coro_factory(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


def cmd_createuser(args: argparse.Namespace) -> None:
    from server.accounts.defaults import create_user

    url, _server = database_url()
    migrate(url)
    password = args.password or get_settings().password
    teams = [t.strip() for t in (args.teams or "").split(",") if t.strip()]
    try:
        user, password = _run(
            lambda db: create_user(
                db,
                args.email,
                args.name or args.email.split("@")[0],
                password,
                admin=args.admin,
                teams=teams,
            ),
            url,
        )
    except ValueError as error:
        raise CliError(str(error)) from error
    print(
        f"Created {'administrator' if args.admin else 'user'} {user['email']} "
        f"(id {user['id']}); password: {password}"
    )


def cmd_demo(args: argparse.Namespace) -> None:
    from server.demo import load_demo

    url, _server = database_url()
    migrate(url)
    summary = _run(lambda db: load_demo(db, seed=args.seed, replace=False), url)
    print(summary)


def _period(args: argparse.Namespace) -> tuple[Any, Any] | None:
    """--month 2026-10, or --from/--to (both days included)."""
    from datetime import date, timedelta

    try:
        if args.month:
            first = date.fromisoformat(f"{args.month}-01")
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return first, last
        if args.start or args.end:
            if not (args.start and args.end):
                raise CliError("give both --from and --to (or --month)")
            return date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError as error:
        raise CliError(f"dates are written 2026-10-05 (months 2026-10): {error}") from error
    return None


async def _documents(db: Any, args: argparse.Namespace) -> tuple[str, bytes, str]:
    """One PDF, or a ZIP of many with a progress bar, made as the venue's system account:
    its file name, its content and what to say about it."""
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from server.core.i18n import default_language
    from server.core.permissions import SYSTEM
    from server.core.unit_of_work import unit_of_work
    from server.documents.batches import BatchIn, build, plan, zip_name
    from server.documents.documents import Documents, Target
    from server.documents.kinds import DocumentKind

    kind = DocumentKind(args.kind.replace("-", "_"))
    # The organisation's language (read from its record by ``_run``) unless one is asked.
    language = args.language = args.language or default_language()
    period = _period(args)
    day = date.fromisoformat(args.day) if args.day else None
    if kind is DocumentKind.ACTIVITY_REPORT or (args.engagement and period is None):
        if kind is DocumentKind.ACTIVITY_REPORT:
            if period is None:
                raise CliError("an activity report needs --month or --from/--to")
            target = Target(start=period[0], end=period[1])
        else:
            target = Target(engagement_id=args.engagement, day=day)
        async with unit_of_work(db, SYSTEM) as uow:
            document = await Documents(uow, language).render(kind, target)
        return document.filename, document.pdf, "1 document"
    if period is None:
        raise CliError("give --engagement ID for one document, or --month/--from/--to for many")
    request = BatchIn(
        start=period[0],
        end=period[1],
        per=args.per,
        engagement_ids=[args.engagement] if args.engagement else None,
    )
    async with unit_of_work(db, SYSTEM) as uow:
        targets = await plan(uow, kind, request)
    if not targets:
        raise CliError("nothing to print in that period")
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    ) as bar:
        task = bar.add_task("Compiling", total=len(targets))
        content = await build(
            db,
            SYSTEM,
            kind,
            targets,
            language,
            lambda done, _total: bar.update(task, completed=done),
        )
    return zip_name(kind, request, language), content, f"{len(targets)} documents"


def cmd_documents(args: argparse.Namespace) -> None:
    from pathlib import Path

    from server.core.errors import DomainError

    url, _server = database_url()
    migrate(url)
    try:
        name, content, what = _run(lambda db: _documents(db, args), url)
    except DomainError as error:
        raise CliError(error.detail) from error
    path = Path(args.output or name)
    path.write_bytes(content)
    print(f"Wrote {path}: {what}, {len(content) // 1024} KB.")


async def _import(db: Any, args: argparse.Namespace, content: bytes) -> Any:
    from server.core.permissions import SYSTEM
    from server.core.unit_of_work import unit_of_work
    from server.imports.service import import_file

    mapping = dict(m.split("=", 1) for m in args.map or [])
    async with unit_of_work(db, SYSTEM) as uow:
        return await import_file(
            uow, args.kind, content, args.file, mapping or None, commit=args.commit
        )


def cmd_import(args: argparse.Namespace) -> None:
    """Check a spreadsheet (every line's problems); with --commit, import it all or nothing."""
    from pathlib import Path

    from server.core.errors import DomainError
    from server.core.i18n import use_language

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    if any("=" not in m for m in args.map or []):
        raise CliError("--map is written field=Column of the file, e.g. --map email=Courriel")
    url, _server = database_url()
    migrate(url)
    settings()
    use_language(args.language)
    try:
        report = _run(lambda db: _import(db, args, path.read_bytes()), url)
    except DomainError as error:
        raise CliError(error.detail) from error
    print("Columns: " + ", ".join(f"{f} ← {c}" for f, c in report.mapping.items()))
    for problem in report.problems:
        print(f"line {problem.line}, {problem.column}: {problem.reason}")
    print(
        f"{report.rows} lines: {report.created} to create, {report.updated} to update, "
        f"{report.unchanged} unchanged; {len(report.problems)} problem(s)."
    )
    if report.problems:
        raise CliError("nothing was imported: correct the file, then run again")
    print("Imported." if report.committed else "Nothing written (add --commit to import).")


def cmd_backup(args: argparse.Namespace) -> None:
    from datetime import datetime
    from pathlib import Path

    from server.db.backup import BackupError, backup

    url, _server = database_url()
    output = Path(args.output or f"saison-{datetime.now().strftime('%Y-%m-%d-%H%M%S')}.tar")
    try:
        made = backup(url, output, get_settings())
    except BackupError as error:
        raise CliError(str(error)) from error
    size = made.path.stat().st_size
    print(
        f"Wrote {made.path}: the database at migration {made.manifest['revision']} "
        f"and {len(made.manifest['contents']) - 1} file(s), {max(1, size // 1024)} KB."
    )


def cmd_restore(args: argparse.Namespace) -> None:
    from pathlib import Path

    from server.db.backup import BackupError, restore

    archive = Path(args.archive)
    if not archive.is_file():
        raise CliError(f"{archive}: no such file")
    url, _server = database_url()
    try:
        done = restore(url, archive, get_settings(), force=args.force)
    except BackupError as error:
        raise CliError(str(error)) from error
    moved = f", migrated to {done['now_at']}" if done["now_at"] != done["revision"] else ""
    print(
        f"Restored the backup of {done['created_at']} (Saison {done['saison_version']}, "
        f"migration {done['revision']}){moved}."
    )


def cmd_export(args: argparse.Namespace) -> None:
    from pathlib import Path

    from server.db.backup import saison_version
    from server.db.ownership import export, export_name

    url, _server = database_url()
    path = Path(args.output or export_name())
    partial = path.with_name(path.name + ".partial")

    async def write(db: Any) -> dict[str, Any]:
        async with db.sessions() as session:
            with partial.open("wb") as out:
                return await export(session, out, saison_version=saison_version())

    manifest = _run(write, url, organisation=False)  # an export writes nothing
    partial.replace(path)
    rows = sum(manifest["tables"].values())
    print(
        f"Wrote {path}: {len(manifest['tables'])} tables, {rows} rows (migration "
        f"{manifest['revision']})."
    )


def cmd_import_archive(args: argparse.Namespace) -> None:
    import zipfile
    from pathlib import Path

    from server.db.migrate import upgrade
    from server.db.ownership import ArchiveError, load, read_manifest

    path = Path(args.archive)
    try:
        with zipfile.ZipFile(path) as archive:
            revision = read_manifest(archive).get("revision")
    except (OSError, zipfile.BadZipFile) as error:
        raise CliError(f"{path}: not a readable ZIP ({error})") from error
    except ArchiveError as error:
        raise CliError(f"{path}: {error}") from error
    url, _server = database_url()
    try:
        upgrade(url, revision or "head")  # the export's schema, to load it as it was
    except Exception as error:
        raise CliError(f"the database cannot take migration {revision}: {error}") from error

    async def load_it(db: Any) -> dict[str, int]:
        async with db.sessions() as session:
            loaded = await load(session, path)
            await session.commit()
            return loaded

    try:
        loaded = _run(load_it, url, organisation=False)
    except ArchiveError as error:
        raise CliError(str(error)) from error
    migrate(url)
    print(f"Loaded {path}: {len(loaded)} tables, {sum(loaded.values())} rows.")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from server.observability.logs import logging_config

    config = get_settings()
    host = args.host or config.host
    port = args.port or config.port
    processes = args.processes or config.processes
    url, server = database_url()
    migrate(url)
    if args.demo:
        from server.demo import load_demo

        print(_run(lambda db: load_demo(db, seed=1, replace=False), url))
    _run(_first_admin, url)
    # The app (in this process, or in each worker process) reads the server from the settings.
    os.environ["DATABASE_URL"] = url
    if processes > 1 or config.metrics_dir:
        _share_metrics(config)
    if processes > 1 and not config.redis_url:
        print(SINGLE_MACHINE_WARNING.format(processes=processes), file=sys.stderr)
    get_settings.cache_clear()
    print(f"Saison is serving on http://{host}:{port} (API description at /schema)")
    # uvicorn re-raises SIGTERM after its graceful shutdown; with a handler of ours that is a
    # normal exit, so the embedded PostgreSQL is stopped too (systemd, containers).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=processes if processes > 1 else None,
        # Applied in every process uvicorn starts: JSON or text, Saison's access line only.
        log_config=logging_config(get_settings(), args.log_level),
        log_level=args.log_level,
        access_log=False,
        # The client's address is read by Saison itself, from SAISON_TRUSTED_PROXIES only.
        proxy_headers=False,
        # Live events are small and go to many screens: compressing each copy per screen cost
        # more CPU than anything else in the fan-out (measured, bench/live.py).
        ws_per_message_deflate=False,
    )
    del server  # keeps the embedded server alive until here


def cmd_worker(args: argparse.Namespace) -> None:
    """Deliver webhooks (and run the other periodic jobs) until stopped; servers started with
    SAISON_WORKER=separate leave this to such processes. Several may run at once."""
    from server.app import extra_jobs
    from server.feeds.worker import make_worker

    # Stopped before it runs (while migrating): a normal exit, the embedded server stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url, server = database_url()
    migrate(url)

    async def run(db: Any) -> None:
        worker = make_worker(db, db.settings, extra_jobs(db, db.settings))
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        worker.start()
        print(f"Saison worker running: {', '.join(job.name for job in worker.jobs)}", flush=True)
        try:
            await stopping.wait()
        finally:
            await worker.stop()

    _run(run, url)
    del server  # keeps the embedded server alive until here


SINGLE_MACHINE_WARNING = (
    "saison: warning: {processes} processes without REDIS_URL: each process learns of the "
    "others' changes only by reading the database once a second (live updates up to a second "
    "late) and presence (who is looking at what) is not shared between them. Set REDIS_URL "
    "(required as soon as processes run on more than one machine)."
)


def _share_metrics(config: Settings) -> None:
    """Processes of one machine add up their metrics in one directory (prometheus-client's
    multiprocess mode): PROMETHEUS_MULTIPROC_DIR, else ``metrics`` under the data dir; made
    empty, and named in the environment before any process imports prometheus-client (which
    reads it once)."""
    from server.observability.metrics import prepare_multiprocess_dir

    prepare_multiprocess_dir((config.metrics_dir or config.data_dir / "metrics").resolve())


async def _first_admin(db: Any) -> None:
    """Without any administrator (a new installation), create one and say how to sign in.

    ``serve --demo`` loads the demo first: its administrator then makes this a no-op.
    """
    from server.accounts.defaults import create_first_admin

    created = await create_first_admin(db, db.settings.admin_email, db.settings.admin_password)
    if created is not None:
        user, password = created
        print(
            f"First start: administrator {user['email']} created with password {password} "
            "(change it after signing in)."
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saison", description="Saison, the season planner for performing-arts venues."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve", help="run the web server (embedded PostgreSQL when DATABASE_URL is unset)"
    )
    serve.add_argument("--host", help="default: SAISON_HOST, else 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: SAISON_PORT, else 8000")
    serve.add_argument("--processes", type=int, help="default: SAISON_PROCESSES, else 1")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo season first if the database is empty"
    )
    serve.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="default: SAISON_LOG_LEVEL, else info (SAISON_LOG_FORMAT: json, text or auto)",
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="deliver webhooks and run periodic jobs (for servers with SAISON_WORKER=separate)",
    )
    worker.set_defaults(func=cmd_worker)

    mig = sub.add_parser("migrate", help="apply database migrations")
    mig.set_defaults(func=cmd_migrate)

    demo = sub.add_parser("demo", help="load a realistic demo season (September 2026 to June 2027)")
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=cmd_demo)

    docs = sub.add_parser(
        "documents",
        help="print documents as PDF: one (--engagement) or many into a ZIP (--month)",
        description="Examples: saison documents road-sheet --engagement 12 --day 2026-10-05; "
        "saison documents road-sheet --month 2026-10; saison documents contract --from "
        "2026-09-01 --to 2027-06-30; saison documents activity-report --month 2026-10",
    )
    docs.add_argument(
        "kind", choices=["road-sheet", "welcome-sheet", "contract", "activity-report"]
    )
    docs.add_argument("--engagement", type=int, help="the engagement's id")
    docs.add_argument("--day", help="a road sheet of that day only (2026-10-05)")
    docs.add_argument("--month", help="every document of a month (2026-10)")
    docs.add_argument("--from", dest="start", help="first day of a period")
    docs.add_argument("--to", dest="end", help="last day of a period")
    docs.add_argument(
        "--per", choices=["day", "engagement"], default="day", help="road sheets of a period"
    )
    docs.add_argument("--language", choices=["fr", "en"], help="default: SAISON_LANGUAGE")
    docs.add_argument("-o", "--output", help="file to write (default: the document's name)")
    docs.set_defaults(func=cmd_documents)

    imp = sub.add_parser(
        "import",
        help="check a spreadsheet (CSV or XLSX) of records, and import it with --commit",
        description="Examples: saison import contacts.csv --kind contacts; saison import "
        "saison.xlsx --kind performances --commit; columns are guessed from the headers, "
        "--map field=Column chooses one (saison import f.csv --kind contacts --map "
        "email=Courriel).",
    )
    imp.add_argument("file")
    imp.add_argument(
        "--kind", required=True, choices=["contacts", "shows", "engagements", "performances"]
    )
    imp.add_argument("--commit", action="store_true", help="write it (all lines or none)")
    imp.add_argument("--map", action="append", metavar="FIELD=COLUMN")
    imp.add_argument("--language", choices=["fr", "en"], help="of the problems; default: fr")
    imp.set_defaults(func=cmd_import)

    bk = sub.add_parser(
        "backup",
        help="write a backup: the database (attachments and templates included) and the "
        "venue's files, in one tar with a manifest",
    )
    bk.add_argument("-o", "--output", help="file to write (default: saison-<date-time>.tar)")
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser(
        "restore", help="restore a backup into an empty database, then migrate it if older"
    )
    rs.add_argument("archive", help="a file written by saison backup")
    rs.add_argument(
        "--force", action="store_true", help="replace everything in a database that is not empty"
    )
    rs.set_defaults(func=cmd_restore)

    ex = sub.add_parser(
        "export",
        help="write all the organisation's data in an open format (a ZIP of JSON Lines per "
        "table, files, JSON Schemas, a README)",
    )
    ex.add_argument("-o", "--output", help="file to write (default: saison-export-<date>.zip)")
    ex.set_defaults(func=cmd_export)

    im = sub.add_parser(
        "import-archive",
        help="load a file written by saison export into an empty database, losslessly",
    )
    im.add_argument("archive", help="a ZIP written by saison export (or the API's download)")
    im.set_defaults(func=cmd_import_archive)

    cu = sub.add_parser("createuser", help="create a user (use --admin for an administrator)")
    cu.add_argument("email")
    cu.add_argument("--name")
    cu.add_argument("--password", help="default: $SAISON_PASSWORD, else a random one is printed")
    cu.add_argument("--admin", action="store_true")
    cu.add_argument("--teams", help="comma-separated team names, e.g. Technique,Programmation")
    cu.set_defaults(func=cmd_createuser)
    return parser


def main(argv: list[str] | None = None) -> None:
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("LITESTAR_WARN_SYNC_TO_THREAD_WITH_ASYNC", "0")
    args = build_parser().parse_args(argv)
    debug = False
    try:
        debug = get_settings().debug
        args.func(args)
    except CliError as error:
        print(f"saison: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # one clear line, not a traceback
        if debug:
            raise
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(
            f"saison: {type(error).__name__}: {first} (set SAISON_DEBUG=1 for details)",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
