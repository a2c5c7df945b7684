"""The one typed view of `params.yaml` and of the endpoints the environment points at.

Every tunable lives in `params.yaml`, one section per stage, so that DVC tracks exactly the
section a stage reads and `dvc exp run -S train.learning_rate=...` works. Endpoints are not
tunables: they come from the environment, each with an embedded local default, so the demo
runs with no server at all.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tastemaker.audio.params import FeaturesParams
from tastemaker.digests import settings_digest
from tastemaker.effect.params import EffectParams
from tastemaker.errors import UserError
from tastemaker.portal.params import PortalParams
from tastemaker.validation.params import ValidateParams

PARAMS_FILE_ENV = "TASTEMAKER_PARAMS"
DEFAULT_PARAMS_FILE = "params.yaml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Paths(Section):
    """Where each stage writes; declared once here and interpolated into dvc.yaml."""

    raw: Path = Path("data/raw")
    validated: Path = Path("data/validated")
    features: Path = Path("data/features")
    training: Path = Path("data/training")
    scores: Path = Path("data/scores")
    publication: Path = Path("data/publication")
    reports: Path = Path("data/reports")
    effect: Path = Path("data/effect")
    state: Path = Path(".tastemaker")

    @property
    def cache(self) -> Path:
        return self.state / "cache"

    @property
    def validation_report(self) -> Path:
        """The report of the latest validation attempt, whether the delivery was accepted or refused."""
        return self.reports / "validation.json"


class IngestParams(Section):
    source: str = "data/landing"


class TrainParams(Section):
    model_name: str = "tastemaker-ranker"
    experiment: str = "tastemaker"
    holdout_days: int = Field(30, ge=1)
    validation_days: int = Field(14, ge=0)
    label_window_days: int = Field(14, ge=1)
    negatives_per_query: int = Field(50, ge=1)
    evaluation_queries: int = Field(2000, ge=1)
    evaluation_playlists: int = Field(500, ge=1)
    learning_rate: float = Field(0.05, gt=0)
    n_estimators: int = Field(200, ge=1)
    early_stopping_rounds: int = Field(50, ge=1)
    num_leaves: int = Field(7, ge=2)
    min_child_samples: int = Field(20, ge=1)
    max_bin: int = Field(63, ge=4)
    feature_fraction: float = Field(0.5, gt=0, le=1)
    threads: int = Field(2, ge=1)
    seed: int = 7
    promotion_margin: float = Field(0.0, ge=0)
    guard_tolerance: float = Field(0.02, ge=0)
    bootstrap_samples: int = Field(1000, ge=100)
    confidence: float = Field(0.95, gt=0, lt=1)
    truth_dir: Path | None = None


class ScoreParams(Section):
    candidates_per_track: int = Field(30, ge=1)
    artists_per_batch: int = Field(200, ge=1)
    fraud_min_streams: int = Field(200, ge=0)
    fraud_max_save_rate: float = Field(0.005, ge=0, le=1)
    fraud_max_listeners_per_stream: float = Field(0.5, ge=0)
    fraud_min_top_territory_share: float = Field(0.9, ge=0, le=1)


class PublishParams(Section):
    top_k: int = Field(10, ge=1)
    max_pitches_per_playlist: int = Field(1, ge=1)
    max_pitches_per_track: int = Field(5, ge=1)
    keep_days: int = Field(30, ge=1)
    control_share: float = Field(0.2, ge=0, lt=1)
    control_seed: int = 7
    explore_share: float = Field(0.1, ge=0, lt=1)
    explore_seed: int = 7
    eligible_territories: list[str] = []
    band_window_days: int = Field(14, ge=1)
    band_min_placements: int = Field(3, ge=1)
    similar_artists_k: int = Field(10, ge=1)
    co_listening_weight: float = Field(0.3, ge=0, le=1)


class ScheduleParams(Section):
    """When the served deployments run; cron in the given IANA time zone."""

    timezone: str = "Europe/London"
    daily_scoring_cron: str = "0 6 * * *"
    weekly_retraining_cron: str = "0 3 * * 1"
    ingest_every_minutes: int = Field(30, ge=1)


class Params(Section):
    paths: Paths = Paths()
    ingest: IngestParams = IngestParams()
    validate_: ValidateParams = Field(default_factory=ValidateParams, alias="validate")
    features: FeaturesParams = FeaturesParams()
    train: TrainParams = TrainParams()
    score: ScoreParams = ScoreParams()
    publish: PublishParams = PublishParams()
    effect: EffectParams = EffectParams()
    schedules: ScheduleParams = ScheduleParams()
    portal: PortalParams = PortalParams()

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def section_hash(self, *names: str) -> str:
        """A short, stable hash of some sections (all when none named): the lineage 'params hash'."""
        dumped = self.model_dump(mode="json", by_alias=True)
        chosen = {name: dumped[name] for name in (names or sorted(dumped))}
        return settings_digest(chosen, 12)


def params_file() -> Path:
    return Path(os.environ.get(PARAMS_FILE_ENV, DEFAULT_PARAMS_FILE))


def load_params(path: Path | None = None) -> Params:
    """Read and check the params file; a typo in a key is a one-line user error, not a traceback."""
    path = path or params_file()
    if not path.is_file():
        raise UserError(
            f"params file not found: {path} (run from the project folder or set {PARAMS_FILE_ENV})"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Params.model_validate(raw)
    except UnicodeDecodeError as error:
        raise UserError(f"{path} is not UTF-8 text (byte {error.start}): save it as UTF-8") from None
    except yaml.YAMLError as error:
        raise UserError(f"{path} is not valid YAML: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UserError(f"{path}: {where}: {first['msg']}") from None
