"""Errors of the entities stage (no heavy imports)."""


class MissingDataError(Exception):
    """A requested NER backend needs data that is not installed; the message says how to install it."""
