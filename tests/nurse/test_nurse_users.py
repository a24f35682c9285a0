"""The command-line tool that manages the nurses: python -m bot.channels.nurse_users."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from servers import ROOT

from bot.channels.nurse_auth import check_password
from bot.channels.nurse_store import NurseStore
from bot.channels.nurse_users import main


def cli(db: str, *args: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--db", db, *args], stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def test_add_list_passwd_remove(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'nurse.db'}"
    assert cli(db, "add", "nurse.ana", "--password-stdin", stdin="first long password\n") == (0, "added nurse.ana\n")
    code, listed = cli(db, "list")
    assert code == 0 and listed.startswith("nurse.ana\tadded ")
    store = NurseStore(db)
    assert check_password(store, "nurse.ana", "first long password")

    assert cli(db, "add", "nurse.ana", "--password-stdin", stdin="other long password\n")[0] == 1
    assert "already exists" in capsys.readouterr().err
    assert cli(db, "passwd", "nurse.ana", "--password-stdin", stdin="second long password\n")[0] == 0
    assert check_password(store, "nurse.ana", "second long password")
    assert not check_password(store, "nurse.ana", "first long password")

    assert cli(db, "remove", "nurse.ana") == (0, "removed nurse.ana\n")
    assert cli(db, "list") == (0, "")
    assert cli(db, "remove", "nurse.ana")[0] == 1
    assert [a["action"] for a in store.audit_trail()] == ["user_add", "user_passwd", "user_remove"]
    assert all(a["username"].startswith("cli:") for a in store.audit_trail())
    store.dispose()


def test_bad_names_and_short_passwords_are_refused(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'nurse.db'}"
    assert cli(db, "add", "api", "--password-stdin", stdin="a long enough password\n")[0] == 1
    assert cli(db, "add", "ana smith", "--password-stdin", stdin="a long enough password\n")[0] == 1
    assert cli(db, "add", "ana", "--password-stdin", stdin="short\n")[0] == 1
    assert "at least" in capsys.readouterr().err
    assert cli(db, "passwd", "nobody", "--password-stdin", stdin="a long enough password\n")[0] == 1
    assert cli(db, "list") == (0, "")


def test_the_module_runs_from_the_command_line_with_nurse_db_url(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "NURSE_DB_URL": db, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "bot.channels.nurse_users"]
    added = subprocess.run([*command, "add", "nurse.bo", "--password-stdin"], check=False, input="a long enough password\n",
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert added.returncode == 0, added.stderr
    listed = subprocess.run([*command, "list"], check=False, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert listed.stdout.startswith("nurse.bo\t")
    assert (tmp_path / "cli.db").exists()
