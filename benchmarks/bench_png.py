"""PNG writers for widget pictures, side by side on every lecture widget's figure (no browser).

For each LiveFigure of the four lectures (built at its first values, as the notebooks show it),
times writing its picture with our writer (:func:`course_utils.core.png.encode_png`) on each
deflate backend (ISA-L's ``isal``, the standard library's ``zlib``) and with Pillow's PNG writer
(``compress_level=1``), and prints the median milliseconds, the ratio to our writer on ISA-L and
the PNG's size. The browser-side effect (key to pixels) is measured by
``bench_widgets.py --png pillow,own,own-zlib``.

Usage: .venv/bin/python benchmarks/bench_png.py [--repeats N]
Timings on a shared machine are noisy: compare the ratios, measured in the same run.
"""
from __future__ import annotations

import argparse
import functools
import statistics

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402

from course_utils.core import png  # noqa: E402
from course_utils.core.plotting import use_course_style  # noqa: E402
from course_utils.core.timing import median_time  # noqa: E402
from course_utils.core.widgets import live_figures  # noqa: E402

#: the writers compared; the first is the reference of the ratios
WRITERS = {"own, isal": functools.partial(png.encode_png, deflate="isal"),
           "own, zlib": functools.partial(png.encode_png, deflate="zlib"),
           "pillow": png.encode_png_pillow}

WIDGETS = ("performer.rff_widget", "performer.lemma2_widget", "performer.favor_widget",
           "regularization.polynomial_widget", "regularization.lp_ball_widget",
           "regularization.constrained_view_widget", "regularization.descent_widget",
           "regularization.diabetes_widget", "regularization.bayes_widget", "perplexity.die_widget",
           "perplexity.branching_widget", "perplexity.add_k_widget", "perplexity.tokenisation_widget",
           "kg.rescal_fit_widget", "kg.planted_recovery_widget")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    import importlib

    use_course_style()
    names = list(WRITERS)
    print(f"PNG writers on each widget's picture (median of {args.repeats}; ratio to '{names[0]}'; size in kB)")
    header = f"{'widget':<40} {'pixels':>10}  " + "  ".join(f"{n:>20}" for n in names)
    print(header)
    print("-" * len(header))
    ratios: dict[str, list[float]] = {n: [] for n in names}
    for spec in WIDGETS:
        module, fn = spec.split(".")
        getattr(importlib.import_module(f"course_utils.{module}"), fn)()
        live = live_figures()[-1]
        rgba = np.asarray(live._canvas.buffer_rgba())
        ms = {n: 1e3 * median_time(lambda f=f: f(rgba), repeats=args.repeats) for n, f in WRITERS.items()}
        size = {n: len(f(rgba)) / 1024 for n, f in WRITERS.items()}
        cells = []
        for n in names:
            ratio = ms[n] / ms[names[0]]
            ratios[n].append(ratio)
            cells.append(f"{ms[n]:6.1f} ms {ratio:4.1f}x {size[n]:4.0f}")
        print(f"{spec:<40} {rgba.shape[1]:>4} x {rgba.shape[0]:<3}  " + "  ".join(f"{c:>20}" for c in cells))
        if getattr(live, "prefetcher", None) is not None:
            live.prefetcher.close()
    print("median ratio over the widgets: " + ", ".join(f"{n} {statistics.median(r):.1f}x" for n, r in ratios.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
