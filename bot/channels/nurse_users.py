"""Manage the nurses who can log in to the console.

    python -m bot.channels.nurse_users add NAME        # asks for the password twice
    python -m bot.channels.nurse_users passwd NAME     # a new password; ends NAME's sessions
    python -m bot.channels.nurse_users remove NAME     # ends NAME's sessions too
    python -m bot.channels.nurse_users list

The database is NURSE_DB_URL (default sqlite:///nurse.db), or --db URL. --password-stdin reads
the password from the first line of standard input (for scripts). Each change is written to the
audit table with the operating-system user who made it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TextIO

from bot.channels.nurse_auth import MIN_PASSWORD_CHARS, hash_password, valid_username
from bot.channels.nurse_settings import NurseSettings
from bot.channels.nurse_store import NurseStore, StoreError


def _operator() -> str:
    try:
        return "cli:" + getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return f"cli:uid{os.getuid()}"


def _password(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.password_stdin:
        password = stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise ValueError("the passwords differ")
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    return password


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m bot.channels.nurse_users", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: NURSE_DB_URL or sqlite:///nurse.db)")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("add", "add a nurse"), ("passwd", "set a nurse's password"), ("remove", "remove a nurse")):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("username")
        if name != "remove":
            command.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    commands.add_parser("list", help="list the nurses")
    args = parser.parse_args(argv)

    store = NurseStore(args.db or NurseSettings.load({}).db_url)
    try:
        if args.command == "list":
            for user in store.list_users():
                stdout.write(f"{user['username']}\tadded {user['created_at']}\tchanged {user['updated_at']}\n")
            return 0
        if not valid_username(args.username):
            raise ValueError("a username is 1 to 64 letters, digits, '.', '_', '@' or '-' (and not 'api')")
        if args.command == "add":
            store.add_user(args.username, hash_password(_password(args, stdin)), _operator())
            stdout.write(f"added {args.username}\n")
        elif args.command == "passwd":
            if store.password_hash(args.username) is None:
                raise StoreError(f"no user {args.username!r}")
            store.set_password(args.username, hash_password(_password(args, stdin)), _operator())
            stdout.write(f"password changed for {args.username}; their sessions are ended\n")
        elif args.command == "remove":
            store.remove_user(args.username, _operator())
            stdout.write(f"removed {args.username}\n")
        return 0
    except (StoreError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
