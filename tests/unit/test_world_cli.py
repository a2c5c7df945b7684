"""The `world` CLI: one summary line on success, one error line (no traceback) on user mistakes."""

from typer.testing import CliRunner

from tastemaker.world.cli import app

runner = CliRunner()


def test_generate_then_advance(tmp_path):
    out = tmp_path / "w"
    result = runner.invoke(app, ["generate", "--out", str(out), "--preset", "tiny", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "20 tracks" in result.stdout and (out / "catalog.csv").is_file()

    result = runner.invoke(app, ["advance", "--world", str(out), "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "world now at 2026-07-03" in result.stdout


def test_refusing_a_foreign_folder_is_one_line(tmp_path, tastemaker_main):
    (tmp_path / "keep.txt").write_text("x")
    code, _, err = tastemaker_main("world", "generate", "--out", str(tmp_path), "--preset", "tiny")
    assert code == 1
    assert "not empty" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_preset_is_one_line(tmp_path, tastemaker_main):
    code, _, err = tastemaker_main("world", "generate", "--out", str(tmp_path / "w"), "--preset", "huge")
    assert code == 1 and "unknown preset" in err


def test_advance_needs_a_world(tmp_path, tastemaker_main):
    code, _, err = tastemaker_main("world", "advance", "--world", str(tmp_path), "--days", "2")
    assert code == 1 and "not a generated world" in err
