"""The engine registry: engine classes register themselves by kind when their module is imported.

``lookup`` imports ``engines.<kind>`` on demand (importlib with a known name), so a kind whose
module nobody imported yet is still found.
"""

from __future__ import annotations

import importlib

REGISTRY: dict[str, type] = {}
ORDER: list[str] = []


def register(kind: str, *, rank: int = 0):
    """Class decorator: file the engine under ``kind``; ORDER stays richest first."""

    def deco(cls):
        cls.kind = kind
        cls.rank = rank
        REGISTRY[kind] = cls
        if kind not in ORDER:
            ORDER.append(kind)
        ORDER.sort(key=lambda k: -REGISTRY[k].rank)
        return cls

    return deco


def lookup(kind: str):
    if kind not in REGISTRY:
        importlib.import_module(f"engines.{kind}")
    return REGISTRY[kind]
