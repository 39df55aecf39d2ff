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


def test_the_repo_cites_nothing_outside_it():
    """The architecture and the measured facts live in docs/, not in files beside the repo."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    # (spelled in pieces, so that this file does not cite them itself)
    outside = (*(word + ".md" for word in ("DESIGN", "FACTS", "STYLE")), "../" + "shared")
    cited = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".toml", ".cfg", ".txt", ".yaml", ".j2", ".js", ""}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        cited += [f"{name}: {word}" for word in outside if word in text]
    assert cited == [], cited
