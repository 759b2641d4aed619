"""Demo data of each app, loaded by ``manage.py seed_demo`` after the demo university's people.

The org tree and the people come from ``orgs``; every domain app that has something to show (cases,
meetings, dues, articles) registers a loader here from its ``AppConfig.ready``, so that ``orgs``
needs to know none of them. A loader must be idempotent — run again, it creates nothing — and
returns how many rows of each kind it created.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[[], dict[str, int]]
    order: int = 100


_loaders: dict[str, DemoLoader] = {}


def register_demo_loader(loader: DemoLoader) -> None:
    _loaders[loader.name] = loader


def demo_loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda loader: (loader.order, loader.name))
