"""The ASGI application as uvicorn builds it, in each worker process, from params.yaml and the environment."""

from __future__ import annotations

from fastapi import FastAPI

from tastemaker.config import load_params
from tastemaker.portal.settings import load_settings
from tastemaker.portal.web import create_app


def create_from_environment() -> FastAPI:
    return create_app(load_settings(load_params()))
