"""A bounded memo whose hits cost no Python call."""
from __future__ import annotations

from typing import Any, Callable


class Memo(dict):
    """fn's results by argument, emptied when it reaches `max_size` entries.

    Look values up with ``memo[arg]`` or through the bound ``memo.__getitem__``: a hit is dict's
    own lookup and runs no Python code, a miss calls fn once (__missing__). For functions of one
    hashable argument that run for every token (match keys, normalised forms).
    """

    __slots__ = ("_fn", "_max")

    def __init__(self, fn: Callable[[Any], Any], max_size: int = 200_000):
        super().__init__()
        self._fn = fn
        self._max = max_size

    def __missing__(self, arg):
        if len(self) >= self._max:
            self.clear()
        hit = self[arg] = self._fn(arg)
        return hit
