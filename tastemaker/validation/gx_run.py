"""Run the table suites in one ephemeral GX context and build the Data Docs site.

One context per run because GX is slow to start; ephemeral because the suites are code and
the only artefact worth keeping is the HTML site.
"""

from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tastemaker.exports import text_columns
from tastemaker.validation.suites import Check, checks_for

DOCS_SITE = "data_docs"


# Numeric character references: no letters, so the rules (all-caps titles, @handles, URLs,
# formats) judge the text exactly as delivered, and escaping keeps distinct values distinct.
HTML_SPECIALS = str.maketrans({"&": "&#38;", "<": "&#60;", ">": "&#62;", '"': "&#34;", "'": "&#39;"})


def inert_text(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with HTML's special characters escaped in every text value.

    The Data Docs site shows sample values without escaping them, and the values come from a
    label's files: `<img onerror=...>` as an artist name would run in the browser of whoever
    opens the report. GX only ever sees the escaped text; findings and tables keep the original.
    """
    escaped = frame.copy()
    for column in text_columns(escaped):
        escaped[column] = escaped[column].map(
            lambda value: value.translate(HTML_SPECIALS) if isinstance(value, str) else value
        )
    return escaped


@dataclass
class Failure:
    check: Check
    row_ids: list[int]


class SuiteRunner:
    def __init__(self, docs_dir: Path):
        import great_expectations as gx  # imported here: GX takes seconds to import
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self._gx = gx
        self.docs_dir = docs_dir
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
            data_docs_sites={
                DOCS_SITE: {
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                }
            },
        )
        self._context = gx.get_context(project_config=config, mode="ephemeral")
        self._source = self._context.data_sources.add_pandas("landing")

    def run(self, table: str, frame: pd.DataFrame, today: datetime.date) -> list[Failure]:
        """Validate `frame` (index = row ids) against the suite of `table`; return the
        failing row ids of every check that found any."""
        gx = self._gx
        checks = checks_for(table, today)
        for number, check in enumerate(checks):
            check.expectation.meta = {"rule": check.rule, "check": number}
        # Built whole and added once: adding expectations one by one re-serialises the suite each time.
        suite = self._context.suites.add(
            gx.ExpectationSuite(name=table, expectations=[c.expectation for c in checks])
        )
        batch = self._source.add_dataframe_asset(table).add_batch_definition_whole_dataframe(table)
        definition = self._context.validation_definitions.add(
            gx.ValidationDefinition(name=table, data=batch, suite=suite)
        )
        result = definition.run(
            batch_parameters={"dataframe": inert_text(frame)}, result_format={"result_format": "COMPLETE"}
        )
        failures = []
        for outcome in result.results:
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"GX could not evaluate {outcome.expectation_config.type} on {table}: "
                    f"{outcome.exception_info.get('exception_message')}"
                )
            if not outcome.success:
                # Every check is a per-row expectation; without row ids a failure could not
                # quarantine anything, so its absence is a bug here, not a clean delivery.
                rows = outcome.result["unexpected_index_list"]
                check = checks[outcome.expectation_config.meta["check"]]
                failures.append(Failure(check, [int(row) for row in rows]))
        return failures

    def build_docs(self) -> Path:
        """Write the site for this run's results only; pages of earlier runs are removed so
        the site never shows a suite version that no longer exists."""
        shutil.rmtree(self.docs_dir, ignore_errors=True)
        self._context.build_data_docs(site_names=[DOCS_SITE])
        return self.docs_dir / "index.html"
