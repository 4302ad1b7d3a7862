"""The `totem` command line."""
import argparse
import logging
import sys
from pathlib import Path

import uvicorn

from totem import clock, erasure, importing
from totem import backup as backups
from totem.auth.secrets import hash_password
from totem.db import make_engine, make_session_factory, transaction
from totem.demo import DEMO_PASSWORD, load_demo
from totem.domains import import_domain_modules
from totem.errors import DomainError
from totem.i18n import shown
from totem.identity import service as identity
from totem.jobs import runner
from totem.jobs.registry import collect_jobs
from totem.jobs.scheduler import build_scheduler
from totem.migrations import upgrade
from totem.settings import get_settings


def _session_factory():  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(get_settings().database_url))


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    upgrade(get_settings().database_url)
    print("database is up to date")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    upgrade(get_settings().database_url)
    if args.demo:
        with transaction(_session_factory()) as db:
            accounts = load_demo(db, clock.now())
        print("Demo accounts (role email password):")
        for account in accounts:
            print(f"{account.role} {account.email} {DEMO_PASSWORD}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    uvicorn.run("totem.asgi:app", host=args.host, port=args.port, workers=args.workers,
                proxy_headers=True, timeout_graceful_shutdown=20)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    settings = get_settings()
    scheduler = build_scheduler(_session_factory(), collect_jobs(), settings.tz)
    scheduler.run_forever()
    return 0


def cmd_jobs_list(args: argparse.Namespace) -> int:
    settings = get_settings()
    with _session_factory()() as db:
        rows = runner.list_job_status(db, collect_jobs(), clock.now(), settings.tz)
    for row in rows:
        last = f"{row.last_status} at {row.last_started_at:%Y-%m-%d %H:%M:%S}Z" if row.last_status else "never run"
        print(f"{row.name}\t{row.trigger}\tnext {row.next_fire_time:%Y-%m-%d %H:%M:%S%z}\t{last}"
              + (f"\t{shown(row.last_summary, 'en')}" if row.last_summary else ""))
    return 0


def cmd_jobs_run(args: argparse.Namespace) -> int:
    jobs = collect_jobs()
    if args.name not in jobs:
        print(f"unknown job {args.name!r}; known: {', '.join(sorted(jobs))}", file=sys.stderr)
        return 2
    run = runner.run_now(_session_factory(), jobs[args.name], clock.now())
    if run.status != "succeeded":
        print(f"{args.name} failed:\n{run.error}", file=sys.stderr)
        return 1
    print(f"{args.name}: {shown(run.summary, 'en') or 'done'}")
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    now = clock.now()
    try:
        with transaction(_session_factory()) as db:
            system = identity.system_actor(db, now=now)
            user = identity.create_user(db, actor=system, email=args.email, name=args.name or args.email.split("@")[0],
                                        roles=[args.role], now=now, password_hash=hash_password(args.password))
            if args.startup:
                organisation = identity.get_or_create_organisation(db, actor=system, name=args.startup, now=now)
                identity.add_membership(db, actor=system, user=user, organisation=organisation, now=now)
    except DomainError as error:
        print(f"error: {error.message.format(**error.params)}", file=sys.stderr)
        return 1
    print(f"created {args.role} {user.email}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    database_url = get_settings().database_url
    try:
        target = Path(args.output) if args.output else backups.default_backup_path(
            backups.sqlite_path(database_url), clock.now())
        info = backups.backup(database_url, target)
    except backups.BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"backed up {info.rows} rows in {info.tables} tables (revision {info.revision}) to {info.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    try:
        info = backups.restore(get_settings().database_url, Path(args.file))
    except backups.BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"restored {info.rows} rows in {info.tables} tables (revision {info.revision}) from {info.path}")
    upgrade(get_settings().database_url)  # a backup of an older release is brought up to date
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import_domain_modules("importing")
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    extra = {name: value for name, value in (("space", args.space), ("booker", args.booker)) if value}
    try:
        with transaction(_session_factory()) as db:
            now = clock.now()
            options = importing.Options(actor=identity.system_actor(db, now=now), now=now, extra=extra)
            result = importing.run_import(db, kind=args.kind, data=data, dry_run=args.dry_run, options=options)
    except DomainError as error:
        print(f"error: {error.message.format(**error.params)}", file=sys.stderr)
        return 2
    for refusal in result.sorted_refusals():
        where = f"line {refusal.line}" if refusal.line else args.file
        print(f"{where}: {refusal.reason.render()}", file=sys.stderr)
    note = " (dry run: nothing written)" if args.dry_run else " (nothing written)" if result.refused else ""
    print(f"{args.kind}: {len(result.created)} created, {len(result.updated)} updated, {result.unchanged} unchanged, "
          f"{len(result.refused)} refused{note}")
    return 1 if result.refused else 0


def cmd_export(args: argparse.Namespace) -> int:
    import_domain_modules("importing")
    try:
        with _session_factory()() as db:
            importing.write_csv(importing.export_rows(db, args.kind), sys.stdout)
    except DomainError as error:
        print(f"error: {error.message.format(**error.params)}", file=sys.stderr)
        return 2
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    """Purge the personal data past its retention period; --dry-run only lists it."""
    with transaction(_session_factory()) as db:
        purged = erasure.purge_personal_data(db, now=clock.now(), dry_run=args.dry_run)
    for item in purged:
        print(f"{item.kind} #{item.id}\t{item.label}")
    verb = "would purge" if args.dry_run else "purged"
    print(f"{verb} {len(purged)} item{'s' if len(purged) != 1 else ''}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="totem", description="Totem: accelerator operations.")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="migrate the database; --demo loads the demo venue")
    init.add_argument("--demo", action="store_true")
    init.set_defaults(func=cmd_init)

    serve = sub.add_parser("serve", help="serve the web app (and the scheduler, unless disabled)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the scheduler alone")
    worker.set_defaults(func=cmd_worker)

    jobs = sub.add_parser("jobs", help="list or run periodic jobs").add_subparsers(dest="jobs_command", required=True)
    jobs.add_parser("list").set_defaults(func=cmd_jobs_list)
    run = jobs.add_parser("run")
    run.add_argument("name")
    run.set_defaults(func=cmd_jobs_run)

    users = sub.add_parser("users", help="manage users").add_subparsers(dest="users_command", required=True)
    create = users.add_parser("create")
    create.add_argument("email")
    create.add_argument("--role", required=True, choices=["admin", "manager", "member", "mentor"])
    create.add_argument("--password", required=True)
    create.add_argument("--name")
    create.add_argument("--startup")
    create.set_defaults(func=cmd_users_create)

    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade").set_defaults(func=cmd_db_upgrade)

    backup = sub.add_parser("backup", help="copy the live SQLite database to a file (PostgreSQL: use pg_dump)")
    backup.add_argument("--output", help="the backup file (default: beside the database, dated)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the SQLite database's content with a backup's; stop the app first")
    restore.add_argument("file")
    restore.set_defaults(func=cmd_restore)

    retention = sub.add_parser("retention", help="purge rejected applications, inactive alumni and visitors past their periods")
    retention.add_argument("--dry-run", action="store_true", help="only list what would be purged")
    retention.set_defaults(func=cmd_retention)

    import_ = sub.add_parser("import", help="import a file: spaces, bookings, ics, startups, members, mentors "
                                            "(columns in the README); all or nothing")
    import_.add_argument("kind")
    import_.add_argument("file")
    import_.add_argument("--dry-run", action="store_true", help="check and list what would change; write nothing")
    import_.add_argument("--space", help="ics: the room whose calendar it is (default: each event's LOCATION)")
    import_.add_argument("--booker", help="ics: whom the bookings are for when the organiser is not a user")
    import_.set_defaults(func=cmd_import)
    export = sub.add_parser("export", help="write every record of a kind as CSV to standard output")
    export.add_argument("kind")
    export.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
