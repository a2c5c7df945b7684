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


def test_refusing_a_foreign_folder_is_one_line(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    result = runner.invoke(app, ["generate", "--out", str(tmp_path), "--preset", "tiny"])
    assert result.exit_code == 2
    assert "not empty" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unknown_preset_is_one_line(tmp_path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "w"), "--preset", "huge"])
    assert result.exit_code == 2 and "unknown preset" in result.output


def test_advance_needs_a_world(tmp_path):
    result = runner.invoke(app, ["advance", "--world", str(tmp_path), "--days", "2"])
    assert result.exit_code == 2 and "not a generated world" in result.output
