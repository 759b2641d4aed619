"""Demo surveys: filled in below (see load_demo_surveys)."""

from __future__ import annotations

from core.demo import DemoLoader, register_demo_loader


def load_demo_surveys() -> dict[str, int]:
    return {}


def register() -> None:
    register_demo_loader(DemoLoader(name="engagement.surveys", load=load_demo_surveys, order=80))
