"""Errors of the entities stage (no heavy imports)."""
from ..errors import MissingDataError

__all__ = ["MissingDataError"]
