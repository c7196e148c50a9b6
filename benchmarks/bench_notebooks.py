"""Time each notebook's top-to-bottom execution in a fresh kernel (nothing is saved).

Usage: python benchmarks/bench_notebooks.py [--repeat N] [NOTEBOOK ...]
Prints a table: notebook, median seconds over N fresh-kernel runs, number of code cells.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def run_once(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="same as --repeat 1")
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    repeat = 1 if args.quick else max(1, args.repeat)
    print(f"Notebook execution, fresh kernel each run (kernel start included), median of {repeat}")
    print(f"{'notebook':<42} {'seconds':>8} {'cells':>6}")
    total = 0.0
    for path in paths:
        seconds = statistics.median(run_once(path) for _ in range(repeat))
        cells = sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
        total += seconds
        print(f"{path.name:<42} {seconds:>8.1f} {cells:>6}")
    print(f"{'total':<42} {total:>8.1f}")


if __name__ == "__main__":
    main()
