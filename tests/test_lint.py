"""`ruff check` (rules in pyproject.toml: syntax errors, pyflakes, import order) passes on the tree."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=REPO, capture_output=True,
                         text=True, encoding="utf-8", check=False)
    assert out.returncode == 0, f"ruff check found problems (fix: python -m ruff check --fix .):\n{out.stdout}{out.stderr}"
