"""One project, one landing zone: bound on first use, the same folder however it is spelt, others refused."""

import json

import pytest

from tastemaker.errors import UserError
from tastemaker.source_binding import bind_source, bound_source, check_source


def test_the_first_source_binds_and_another_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w").mkdir()
    state = tmp_path / ".tastemaker"
    assert bound_source(state) is None
    bind_source(state, "w")
    bind_source(state, "./w")  # the same folder, spelt another way
    check_source(state, str(tmp_path / "w"))
    assert bound_source(state) == "w"
    with pytest.raises(UserError, match="belong to w, not w2") as refused:
        bind_source(state, "w2")
    assert "\n" not in str(refused.value)
    assert bound_source(state) == "w"


def test_a_project_moved_whole_keeps_its_landing_zone_and_one_outside_is_absolute(tmp_path, monkeypatch):
    first, moved, outside = tmp_path / "project", tmp_path / "moved", tmp_path / "elsewhere"
    (first / "w").mkdir(parents=True)
    outside.mkdir()
    monkeypatch.chdir(first)
    bind_source(first / ".tastemaker", "w")
    first.rename(moved)
    monkeypatch.chdir(moved)
    check_source(moved / ".tastemaker", "w")
    with pytest.raises(UserError, match=f"belong to w, not {outside}"):
        check_source(moved / ".tastemaker", str(outside))


def test_an_object_store_url_is_its_own_identity(tmp_path):
    state = tmp_path / ".tastemaker"
    bind_source(state, "s3://label/landing")
    with pytest.raises(UserError):
        check_source(state, "s3://label/other")


def test_a_binding_recorded_as_an_absolute_path_still_matches_its_landing_zone(tmp_path, monkeypatch):
    """Projects bound before bindings were project-relative recorded the absolute path."""
    (tmp_path / "w").mkdir()
    monkeypatch.chdir(tmp_path)
    state = tmp_path / ".tastemaker"
    state.mkdir()
    (state / "source.json").write_text(json.dumps({"source": str(tmp_path / "w")}))
    check_source(state, "w")
    with pytest.raises(UserError, match="belong to w, not w2"):
        check_source(state, "w2")
