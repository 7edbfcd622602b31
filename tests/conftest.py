"""Shared test fixtures: paths to the seed article and hand-built documents."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO.parent / "shared" / "seed"
SEED = SEED_DIR / "abc-2024-10-29.json"
TEST_FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the seed article is not at {SEED} (CI has ../shared)")
    return SEED


@pytest.fixture
def tiny_article() -> Path:
    return TEST_FIXTURES / "tiny.json"
