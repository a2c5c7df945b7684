"""`tastemaker portal` account commands: what they create can sign in; mistakes are one line."""

import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tastemaker.cli import app
from tests.portal.conftest import sign_in

runner = CliRunner()


def test_add_user_then_sign_in(client):
    result = runner.invoke(
        app,
        ["portal", "add-user", "cleo@artist.test", "--role", "artist", "--artist", "B2"],
        input="cleo-password-1\ncleo-password-1\n",
    )
    assert result.exit_code == 0, result.output
    assert sign_in(client, "cleo@artist.test", "cleo-password-1").status_code == 303
    assert client.get("/artists/B2").status_code == 200 and client.get("/artists/A1").status_code == 403


def test_demo_users_print_passwords_that_work(client):
    result = runner.invoke(app, ["portal", "demo-users"])
    assert result.exit_code == 0, result.output
    passwords = dict(re.findall(r"(\S+@demo\.local)\s+password: (\S+)", result.output))
    assert sign_in(client, "artist@demo.local", passwords["artist@demo.local"]).status_code == 303
    assert client.get("/artists/A1").status_code == 200  # Ada Lane sorts first
    assert client.get("/artists/B2").status_code == 403


def test_invite_prints_a_link_that_opens(client):
    result = runner.invoke(app, ["portal", "invite", "dan@label.test", "--role", "member"])
    assert result.exit_code == 0, result.output
    path = re.search(r"https?://[^/]+(/invite/\S+)", result.output).group(1)
    assert client.get(path).status_code == 200


def test_a_mistake_is_one_line_without_a_traceback(world):
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "tastemaker"), "portal", "invite", "x@y.test", "--role", "boss"],
        capture_output=True,
        text=True,
        cwd=world.folder,
        check=False,
    )
    assert completed.returncode != 0
    assert completed.stderr.strip() == "error: unknown role 'boss': choose one of admin, member, artist"


def test_the_cli_loads_no_web_framework_until_the_portal_serves():
    probe = "import sys, tastemaker.cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'uvicorn', 'starlette'}))"
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.stdout.strip() == "[]", completed.stderr[-2000:]
