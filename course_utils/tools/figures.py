"""Regenerate every committed figure: ``python -m course_utils.tools.figures`` (or ``make figures``).

Each lecture module that makes figures defines a module-level dictionary::

    FIGURES: dict[str, Callable[[], matplotlib.figure.Figure]] = {
        "01_softmax_mse": figure_softmax_mse,      # name -> function building the figure
    }

This command imports every module of :mod:`course_utils`, collects the ``FIGURES``
dictionaries, builds each figure inside :func:`course_utils.core.plotting.course_style`, and
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

from course_utils.core import plotting

FigureFactory = Callable[[], "matplotlib.figure.Figure"]


def collect_figures() -> dict[str, FigureFactory]:
    """All ``FIGURES`` entries of every ``course_utils`` module (each lecture's ``figures`` module,
    ``core.plotting``), by figure name (sorted). A new lecture registers its figures by defining
    ``FIGURES`` in a module of its package; nothing here needs editing."""
    import course_utils

    found: dict[str, FigureFactory] = {}
    owner: dict[str, str] = {}
    for info in sorted(pkgutil.walk_packages(course_utils.__path__, "course_utils."), key=lambda i: i.name):
        if info.name.startswith("course_utils.tools") or info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for name, factory in vars(module).get("FIGURES", {}).items():
            if name in found and found[name] is not factory:
                raise ValueError(f"figure name {name!r} is defined twice ({owner[name]} and {info.name})")
            found[name], owner[name] = factory, info.name
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
