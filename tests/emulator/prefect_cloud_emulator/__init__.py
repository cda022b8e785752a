"""A local, stateful emulator of the Prefect Cloud admin API (see README.md)."""

from .app import create_app
from .seed import DEMO_SEED

__all__ = ["DEMO_SEED", "create_app"]
