"""What the project's own code imports, read from the source: for the stage declarations and the layers.

Imports inside functions count (the lazy ones run when the function does); imports under
`if TYPE_CHECKING:` do not (they never run).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OWN_PACKAGES = ("tastemaker", "pipelines", "flows")
# A string naming an own module, as `python -m flows.pipeline` or uvicorn's "package.module:factory".
MODULE_STRING = re.compile(r"(?:tastemaker|pipelines|flows)(?:\.\w+)+(?::\w+)?")


def module_file(name: str) -> Path | None:
    base = REPO.joinpath(*name.split("."))
    return next((path for path in (base.with_suffix(".py"), base / "__init__.py") if path.is_file()), None)


def module_name(path: Path) -> str:
    relative = path.relative_to(REPO).with_suffix("")
    return ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)


def own_modules() -> list[Path]:
    return sorted(path for package in OWN_PACKAGES for path in (REPO / package).rglob("*.py"))


def _runtime_nodes(tree: ast.AST):
    """Every node but those under `if TYPE_CHECKING:`."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and getattr(child.test, "id", None) == "TYPE_CHECKING":
                pending.extend(child.orelse)
                continue
            pending.append(child)


def imported_names(path: Path, strings: bool = False) -> set[str]:
    """Every module named by an import anywhere in the file, third-party ones included; with
    `strings`, also own modules named in string constants (launched or loaded by name)."""
    names = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif strings and isinstance(node, ast.Constant) and MODULE_STRING.fullmatch(str(node.value)):
            names.add(node.value.split(":")[0])
    return names


def own(names: set[str]) -> set[str]:
    return {name for name in names if name.split(".")[0] in OWN_PACKAGES}
