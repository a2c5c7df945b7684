"""Data contracts of the landing zone: great-expectations suites per table, audio QC, and
the split of every delivery into accepted rows and quarantined findings."""

from tastemaker.validation.params import ValidateParams

__all__ = ["QuarantineThresholdExceeded", "ValidateParams", "ValidationResult", "validate_landing"]

_LAZY = {
    "validate_landing": "tastemaker.validation.validate",
    "ValidationResult": "tastemaker.validation.report",
    "QuarantineThresholdExceeded": "tastemaker.validation.report",
}


def __getattr__(name: str):
    # Loaded on first use: validate_landing pulls in great-expectations (seconds to import), and
    # the audio QC worker processes, which import this package, need neither it nor pandas.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
