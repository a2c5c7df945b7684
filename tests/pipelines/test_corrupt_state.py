"""Damaged or missing state is one line naming the file and what to do; a damaged cache is rebuilt."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines import delivery, train
from pipelines.common import manifest_path, stage_main
from tastemaker.cli import print_summary
from tastemaker.config import load_params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.errors import UserError
from tastemaker.publication import store

GARBAGE = b"PAR1\x00\x13 not what it claims to be \xff\xfe" * 40


def test_a_damaged_manifest_and_qc_cache_are_discarded_and_rebuilt(project):
    params = load_params()
    first = delivery.run(params)
    manifest_path(params).write_bytes(GARBAGE[:100])  # truncated
    qc_cache = params.paths.cache / "audio_qc" / "audio_qc.parquet"
    qc_cache.write_bytes(GARBAGE)

    again = delivery.run(params)

    assert again["ingest"]["data_version"] == first["ingest"]["data_version"]
    assert again["validate"]["counts"]["catalog"] == first["validate"]["counts"]["catalog"]
    assert len(pd.read_parquet(manifest_path(params))) == first["ingest"]["files"]
    assert len(pd.read_parquet(qc_cache)) > 0


def test_a_truncated_publication_database_is_one_line_naming_it(project):
    params = load_params()
    params.paths.state.mkdir(parents=True, exist_ok=True)
    (params.paths.state / "publications.db").write_bytes(GARBAGE)
    with pytest.raises(UserError, match="publications.db is unreadable.*move it aside"):
        store.connect(resolve_endpoints(params.paths.state).publication_db_url)


def test_params_that_are_not_utf8_are_one_line(project):
    (project / "params.yaml").write_bytes("train:\n  model_name: r\xe9seau\n".encode("latin-1"))
    with pytest.raises(UserError, match="params.yaml is not UTF-8"):
        load_params()


def test_summary_and_train_before_any_run_are_one_line(project, capsys):
    with pytest.raises(UserError, match="run `tastemaker run` first"):
        print_summary(load_params())
    with pytest.raises(SystemExit):
        stage_main(train.run)
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "missing stage output" in error[0]
