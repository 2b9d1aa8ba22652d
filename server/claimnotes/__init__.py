"""Claimnotes: context notes for known false or misleading claims, shown inline."""

from claimnotes.app import create_app

__all__ = ["create_app"]
