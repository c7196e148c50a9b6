"""Regenerate every committed figure: ``python -m course_utils.figures`` (or ``make figures``).

Each lecture module that makes figures defines a module-level dictionary::

    FIGURES: dict[str, Callable[[], matplotlib.figure.Figure]] = {
        "01_softmax_mse": figure_softmax_mse,      # name -> function building the figure
    }

This command imports every module of :mod:`course_utils`, collects the ``FIGURES``
dictionaries, builds each figure inside :func:`course_utils.plotting.course_style`, and
writes ``figures/<name>.png`` and ``.svg`` deterministically. Names start with the lecture
number (``00_`` ... ``04_``) so the folder reads in lecture order. Each figure function must
be deterministic (fixed seeds) and quick (well under 2 s).
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Callable

import matplotlib

from . import plotting

FigureFactory = Callable[[], "matplotlib.figure.Figure"]


def collect_figures() -> dict[str, FigureFactory]:
    """All ``FIGURES`` entries of all ``course_utils`` modules, by figure name (sorted)."""
    import course_utils

    found: dict[str, FigureFactory] = {}
    for info in sorted(pkgutil.iter_modules(course_utils.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name == "figures":
            continue
        module = importlib.import_module(f"course_utils.{info.name}")
        for name, factory in getattr(module, "FIGURES", {}).items():
            if name in found:
                raise ValueError(f"figure name {name!r} is defined twice (second time in course_utils.{info.name})")
            found[name] = factory
    return dict(sorted(found.items()))


def generate(outdir: str | Path | None = None, names: list[str] | None = None, verbose: bool = False) -> list[Path]:
    """Build and save the figures (all, or only ``names``) into ``outdir`` (default ``figures/``)."""
    import matplotlib.pyplot as plt

    factories = collect_figures()
    unknown = sorted(set(names or []) - set(factories))
    if unknown:
        raise ValueError(f"unknown figure name(s) {unknown}; known: {sorted(factories)}")
    written: list[Path] = []
    for name, factory in factories.items():
        if names and name not in names:
            continue
        with plotting.course_style():
            fig = factory()
            written += plotting.save_figure(fig, name, outdir)
            plt.close(fig)
        if verbose:
            print(f"wrote {name}.png, {name}.svg")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these figures (default: all)")
    parser.add_argument("--outdir", default=None, help="folder to write into (default: the repository's figures/)")
    args = parser.parse_args(argv)
    matplotlib.use("Agg")
    paths = generate(args.outdir, args.names or None, verbose=True)
    print(f"{len(paths) // 2} figures written to {Path(paths[0]).parent if paths else args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
