"""The ``saison`` command: serve, migrate, demo, createuser. Errors print one clear line."""

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

from server.settings import get_settings


class CliError(Exception):
    """An error the person at the terminal can act on; printed as one line."""


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


def _run(coro_factory: Callable[[Any], Any], url: str) -> Any:
    from server.db.engine import Database

    async def main() -> Any:
        db = Database(url, pool_size=4)
        try:
            return await coro_factory(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


def cmd_createuser(args: argparse.Namespace) -> None:
    from server.accounts.defaults import create_user

    url, _server = database_url()
    migrate(url)
    password = args.password or os.environ.get("SAISON_PASSWORD")
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


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    url, server = database_url()
    migrate(url)
    if args.demo:
        from server.demo import load_demo

        print(_run(lambda db: load_demo(db, seed=1, replace=False), url))
    _run(_first_admin, url)
    os.environ["DATABASE_URL"] = url  # worker processes use the same server
    print(f"Saison is serving on http://{args.host}:{args.port} (API description at /schema)")
    # uvicorn re-raises SIGTERM after its graceful shutdown; with a handler of ours that is a
    # normal exit, so the embedded PostgreSQL is stopped too (systemd, containers).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.processes if args.processes > 1 else None,
        log_level=args.log_level,
        # The client's address is read by Saison itself, from SAISON_TRUSTED_PROXIES only.
        proxy_headers=False,
        # Live events are small and go to many screens: compressing each copy per screen cost
        # more CPU than anything else in the fan-out (measured, bench/live.py).
        ws_per_message_deflate=False,
    )
    del server  # keeps the embedded server alive until here


async def _first_admin(db: Any) -> None:
    """Without any administrator (a new installation), create one and say how to sign in.

    ``serve --demo`` loads the demo first: its administrator then makes this a no-op.
    """
    from server.accounts.defaults import create_first_admin

    created = await create_first_admin(
        db, get_settings().admin_email, os.environ.get("SAISON_ADMIN_PASSWORD")
    )
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
    serve.add_argument("--host", default=os.environ.get("SAISON_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("SAISON_PORT", "8000")))
    serve.add_argument(
        "--processes", type=int, default=int(os.environ.get("SAISON_PROCESSES", "1"))
    )
    serve.add_argument(
        "--demo", action="store_true", help="load the demo season first if the database is empty"
    )
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(func=cmd_serve)

    mig = sub.add_parser("migrate", help="apply database migrations")
    mig.set_defaults(func=cmd_migrate)

    demo = sub.add_parser("demo", help="load a realistic demo season (September 2026 to June 2027)")
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=cmd_demo)

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
    try:
        args.func(args)
    except CliError as error:
        print(f"saison: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # one clear line, not a traceback
        if os.environ.get("SAISON_DEBUG"):
            raise
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(
            f"saison: {type(error).__name__}: {first} (set SAISON_DEBUG=1 for details)",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
