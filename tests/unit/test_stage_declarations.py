"""dvc.yaml declares every stage and every module its code imports: changing one re-runs the stage."""

import importlib
from pathlib import Path

import yaml

from tests.imports import REPO, imported_names, module_file, own


def lazy_source(name: str) -> str | None:
    """The module a package's lazy export (`tastemaker.lazy`) comes from, for `package.attribute`."""
    package, _, attribute = name.rpartition(".")
    if not package or module_file(package) is None:
        return None
    return getattr(importlib.import_module(package), "_LAZY", {}).get(attribute)


def code_of(module: str) -> set[Path]:
    """The files importing `module` may run: its imports, theirs, and every package on the way."""
    seen, pending = set(), [module]
    while pending:
        name = pending.pop()
        if module_file(name) is None and (source := lazy_source(name)):
            name = source
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            path = module_file(".".join(parts[:depth]))
            if path is not None and path not in seen:
                seen.add(path)
                pending.extend(own(imported_names(path)))
    return seen


def stages() -> dict[str, dict]:
    return yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]


def covered(path: Path, deps: list[str]) -> bool:
    relative = path.relative_to(REPO)
    return any(relative == Path(dep) or Path(dep) in relative.parents for dep in deps if "$" not in dep)


NOT_STAGES = {"__init__", "common", "delivery"}  # delivery runs ingest and validate as one unit


def test_every_stage_module_is_a_dvc_stage():
    modules = {path.stem for path in (REPO / "pipelines").glob("*.py")} - NOT_STAGES
    assert modules == {stage["cmd"].removeprefix("python -m pipelines.") for stage in stages().values()}


def test_each_stage_depends_on_all_the_code_it_imports():
    missing = {}
    for name, stage in stages().items():
        module = stage["cmd"].removeprefix("python -m ")
        uncovered = sorted(
            str(path.relative_to(REPO)) for path in code_of(module) if not covered(path, stage["deps"])
        )
        if uncovered:
            missing[name] = uncovered
    assert not missing, f"dvc.yaml misses dependencies: {missing}"


def test_the_dependency_check_follows_imports_in_functions_and_lazy_exports():
    """The check itself: `pipelines.features` imports `build_index` from the lazy `tastemaker.audio`, and
    the feature params import the tagger inside a method."""
    assert REPO / "tastemaker" / "audio" / "similarity.py" in code_of("pipelines.features")
    assert REPO / "tastemaker" / "audio" / "tagger.py" in code_of("tastemaker.audio.params")
