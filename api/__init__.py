"""The HTTP face of Care Passport: JSON API under /v1, issuer metadata, health."""

from api.app import app_from_env, build_app, create_app
from api.settings import Settings

__all__ = ["Settings", "app_from_env", "build_app", "create_app"]
