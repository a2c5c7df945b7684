"""Data contracts of the landing zone: great-expectations suites per table, audio QC, and
the split of every delivery into accepted rows and quarantined findings."""

from tastemaker.lazy import lazy_exports

# Loaded on first use: validate_landing pulls in great-expectations (seconds to import), and the audio
# QC worker processes, which import this package, need neither it nor pandas.
_LAZY = {
    "validate_landing": "tastemaker.validation.validate",
    "ValidationResult": "tastemaker.validation.report",
    "QuarantineThresholdExceeded": "tastemaker.validation.report",
    "ValidateParams": "tastemaker.validation.params",
}
__getattr__ = lazy_exports(__name__, _LAZY)
