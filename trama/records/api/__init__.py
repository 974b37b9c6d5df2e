"""The records part of the staff JSON API (mounted under /api/ by trama/api.py)."""

from trama.records.api.routes import router

__all__ = ["router"]
