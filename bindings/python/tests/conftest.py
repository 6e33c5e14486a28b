from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO / "samples"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def seed_pair():
    return SAMPLES / "seed-000-blog-en-zh.txt", SAMPLES / "seed-001-xinhua-pdf-zh.txt"
