"""Where the portal keeps its state and which secrets it signs with, from the environment.

The portal's own tables live in the publication database unless TASTEMAKER_PORTAL_DB_URL points
elsewhere: the effect stage and the world's advance then read the statuses from where the
pitches are, with no second server. The signing secret comes from TASTEMAKER_PORTAL_SECRET; the
demo gets a random one kept (owner-readable only) in the project state folder, so sign-ins
survive a restart without anyone choosing a password for the secret.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from tastemaker.config import Params
from tastemaker.endpoints import resolve_endpoints

PORTAL_DB_URL = "TASTEMAKER_PORTAL_DB_URL"
PORTAL_SECRET = "TASTEMAKER_PORTAL_SECRET"
# Cookies carry the Secure flag unless this is "0": only for plain HTTP on a machine without TLS.
PORTAL_SECURE_COOKIES = "TASTEMAKER_PORTAL_SECURE_COOKIES"


@dataclass(frozen=True)
class PortalSettings:
    params: Params
    portal_db_url: str
    publication_db_url: str
    secret: str
    secure_cookies: bool


def portal_db_url(params: Params) -> str:
    return os.environ.get(PORTAL_DB_URL) or resolve_endpoints(params.paths.state).publication_db_url


def load_settings(params: Params) -> PortalSettings:
    return PortalSettings(
        params=params,
        portal_db_url=portal_db_url(params),
        publication_db_url=resolve_endpoints(params.paths.state).publication_db_url,
        secret=os.environ.get(PORTAL_SECRET) or _local_secret(params.paths.state),
        secure_cookies=os.environ.get(PORTAL_SECURE_COOKIES, "1") != "0",
    )


def _local_secret(state: Path) -> str:
    path = state / "portal_secret"
    if not path.is_file():
        state.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_hex(32))
    return path.read_text().strip()
