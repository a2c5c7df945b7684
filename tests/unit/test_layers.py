"""The layer contract: a pure library, adapters at its edge, and the application that composes them.

- the **library** (`tastemaker`'s domain code) never touches an orchestrator, MLflow, a database, an
  object store or a server framework itself;
- the **adapters** wrap MLflow, the databases, the object stores and the backends' health checks;
- the **application** (the CLI, the portal, the stage runners in `pipelines/`, the flows in `flows/`)
  composes both.

A module may use its own layer and those below it, never one above. A module named in a string
(`python -m flows.pipeline`, uvicorn's "module:factory") counts as imported.
"""

from pathlib import Path

import pytest

from tests.imports import imported_names, module_name, own, own_modules

LIBRARY, ADAPTER, APPLICATION = 0, 1, 2
LAYER_NAMES = {LIBRARY: "library", ADAPTER: "adapter", APPLICATION: "application"}

LAYERS = {  # the longest matching prefix decides a module's layer
    "tastemaker": LIBRARY,
    "tastemaker.portal.params": LIBRARY,  # its settings' schema is part of the one typed config
    "tastemaker.tracking": ADAPTER,
    "tastemaker.ranking.training": ADAPTER,
    "tastemaker.publication.store": ADAPTER,
    "tastemaker.publication.commit": ADAPTER,
    "tastemaker.ingest": ADAPTER,
    "tastemaker.health": ADAPTER,
    "tastemaker.cli": APPLICATION,
    "tastemaker.audio.cli": APPLICATION,
    "tastemaker.audio.tags_cli": APPLICATION,
    "tastemaker.effect.cli": APPLICATION,
    "tastemaker.world.cli": APPLICATION,
    "tastemaker.portal": APPLICATION,
    "pipelines": APPLICATION,
    "flows": APPLICATION,
}
ORCHESTRATION = {"prefect", "dvc"}
SERVING = {"fastapi", "starlette", "uvicorn", "typer"}
BACKENDS = {"mlflow", "sqlalchemy", "psycopg", "fsspec", "s3fs"}
KEPT_OUT = {LIBRARY: ORCHESTRATION | SERVING | BACKENDS, ADAPTER: ORCHESTRATION | SERVING, APPLICATION: set()}


def layer_of(module: str) -> int:
    matching = [prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")]
    return LAYERS[max(matching, key=len)]


def violations(module: str, path: Path) -> list[str]:
    layer = layer_of(module)
    names = imported_names(path, strings=True)
    found = [
        f"{module} ({LAYER_NAMES[layer]}) uses {name} ({LAYER_NAMES[layer_of(name)]})"
        for name in sorted(own(names))
        if layer_of(name) > layer
    ]
    third_party = {name.split(".")[0] for name in names - own(names)}
    found += [
        f"{module} ({LAYER_NAMES[layer]}) uses {name}" for name in sorted(third_party & KEPT_OUT[layer])
    ]
    return found


def test_no_module_uses_a_layer_above_its_own():
    found = [problem for path in own_modules() for problem in violations(module_name(path), path)]
    assert not found, "\n".join(found)


DELIBERATE = {
    "import mlflow": "uses mlflow",
    "from prefect import flow": "uses prefect",
    "from tastemaker.publication import store": "uses tastemaker.publication.store (adapter)",
    "def pages():\n    from tastemaker.portal import pages": "uses tastemaker.portal.pages (application)",
    'COMMAND = ["python", "-m", "flows.pipeline"]': "uses flows.pipeline (application)",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import mlflow": None,  # never runs
}


@pytest.mark.parametrize("source", DELIBERATE, ids=range(len(DELIBERATE)))
def test_a_library_module_crossing_a_layer_is_caught(tmp_path, source):
    module = tmp_path / "planted.py"
    module.write_text(source + "\n")
    found = violations("tastemaker.ranking.planted", module)
    expected = DELIBERATE[source]
    if expected is None:
        assert found == []
    else:
        assert f"tastemaker.ranking.planted (library) {expected}" in found
