"""Exceptions that cross layers, defined at the bottom of the house.

A stage deep down raises them and the pipeline or the CLI catches them by class: defining
them here lets the catcher import one light module instead of the (lazily loaded) module
that raises, and keeps one class per kind of failure. The old homes re-export them
(``arnews.morphology.MissingDataError``, ``arnews.entities.MissingDataError``,
``arnews.dask_engine.DaskUnavailable``, ``arnews.render.sink.OutputNotWritable``).
"""
from __future__ import annotations


class MissingDataError(Exception):
    """A requested backend (morphology or NER) needs data that is not installed; the message
    says what to do."""


class DaskUnavailable(Exception):
    """dask.distributed is not installed, or the scheduler cannot be reached."""


class OutputNotWritable(Exception):
    """The output file cannot be created where it was asked for (a read-only folder, say)."""


__all__ = ["MissingDataError", "DaskUnavailable", "OutputNotWritable"]
