"""The house style is checked like everything else: ruff check and ruff format clean, and
mypy (strict, on monitor/, spiders/ and pipelines/: `[tool.mypy]` in pyproject.toml) passes."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(args):
    ruff = str(RUFF) if RUFF.exists() else shutil.which("ruff")
    assert ruff, "ruff is in the test extras: pip install -e '.[test]'"
    result = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes():
    mypy = Path(sys.executable).with_name("mypy")
    assert mypy.exists(), "mypy is in the test extras: pip install -e '.[test]'"
    result = subprocess.run([str(mypy)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
