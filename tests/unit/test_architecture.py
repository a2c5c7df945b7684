"""The library stays pure: importing every module of `tastemaker` loads neither Prefect nor DVC."""

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
import tastemaker
for module in pkgutil.walk_packages(tastemaker.__path__, "tastemaker."):
    importlib.import_module(module.name)
loaded = sorted({name.split(".")[0] for name in sys.modules} & {"prefect", "dvc", "pipelines", "flows", "tensorflow"})
print(",".join(loaded))
"""


def test_library_imports_neither_orchestrator_nor_stages():
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == ""


LIGHT_PROBE = """
import sys
import tastemaker.cli, tastemaker.config, tastemaker.audio.tags_cli
heavy = {"onnxruntime", "tensorflow", "pandas", "numpy", "sqlalchemy", "fsspec", "pyarrow", "argon2"}
print(",".join(sorted({name.split(".")[0] for name in sys.modules} & heavy)))
"""


def test_the_cli_and_the_config_load_no_heavy_library():
    """`tastemaker --help` and every command start without pandas, SQLAlchemy or the tagger's runtime:
    each loads inside the commands that use it (benchmarks/cli_startup.py measures the start)."""
    completed = subprocess.run(
        [sys.executable, "-c", LIGHT_PROBE], capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == ""
