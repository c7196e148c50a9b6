"""Lecture 3 — ``draw_*(result, ax=None)``: drawing only.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from course_utils.core.plotting import PALETTE, get_ax
from course_utils.perplexity.corpus import Corpus, load_python_docs
from course_utils.perplexity.experiments import (
    AddKCurve,
    ModelTable,
    VocabularySweep,
    compute_add_k_curve,
    compute_model_table,
    fit_model,
)
from course_utils.perplexity.metrics import SLP3_WSJ, BranchingResult, DieResult, UnderflowResult

SMOOTHING_COLORS = {"add-k": PALETTE["vermillion"], "interpolated": PALETTE["sky"], "kneser-ney": PALETTE["blue"]}


def _fmt_pp(pp: float) -> str:
    return "∞" if math.isinf(pp) else f"{pp:.2f}"


# --------------------------------------------------------------------------- dice
def _legend_text(ax: Axes, label: str):
    """The legend's Text showing ``label`` (to change it in place)."""
    return next(t for t in ax.get_legend().get_texts() if t.get_text() == label)


def draw_die(result: DieResult, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Bars of the model's face probabilities next to the test set's face shares."""
    ax = get_ax(ax)
    faces = np.arange(1, result.model_probs.size + 1)
    w = 0.38
    ax.bar(faces - w / 2, result.model_probs, w, color=PALETTE["blue"], label="model P(face)")
    ax.bar(faces + w / 2, result.test_freqs, w, color=PALETTE["orange"], label=f"test set share ({result.outcomes.size} rolls)")
    ax.axhline(1 / faces.size, color=PALETTE["black"], lw=1, ls=":", label="fair die")
    ax.set_xticks(faces)
    ax.set_xlabel("face")
    ax.set_ylabel("probability / share")
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper left")
    ax.set_title(title or f"perplexity {_fmt_pp(result.perplexity)}")
    return ax


def draw_branching(result: BranchingResult, ax: Axes | None = None, k: int | None = None) -> Axes:
    """Perplexity against the number of outcomes: uniform (= k) and Zipf-like (< k)."""
    ax = get_ax(ax)
    ax.plot(result.k, result.uniform, "o-", color=PALETTE["black"], ms=4, label="uniform: PP = k")
    ax.plot(result.k, result.skewed, "o-", color=PALETTE["vermillion"], ms=4,
            label=f"Zipf p$_i$ ∝ i$^{{-{result.skew:.2g}}}$: PP = 2$^{{H}}$")
    if k is not None:
        i = int(k) - 1
        ax.plot([k], [result.skewed[i]], "o", ms=12, mfc="none", mec=PALETTE["vermillion"], mew=2)
        ax.annotate(f"{result.skewed[i]:.2f}", (k, result.skewed[i]), xytext=(6, -16), textcoords="offset points")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("number of outcomes k")
    ax.set_ylabel("perplexity (effective choices)")
    ax.set_xlim(0.5, result.k[-1] + 0.5)
    ax.set_ylim(0, result.k[-1] + 1)
    ax.legend(loc="upper left")
    return ax


def _note_sticks_out(note, wide, xlim) -> bool:
    """Would the annotation ``note`` stick out of the figure's right edge with the axes at ``wide``
    (a figure-fraction Bbox; None: unknown, say yes)?"""
    if wide is None:
        return True
    fig = note.figure
    x_frac = wide.x0 + (note.xy[0] - xlim[0]) / (xlim[1] - xlim[0]) * wide.width
    width_px = note.get_window_extent(fig.canvas.get_renderer()).width
    return x_frac * fig.bbox.width + 6 * fig.dpi / 72 + width_px > _right_limit_px(fig)


def _right_limit_px(fig: Figure) -> float:
    """Right edge of the figure minus constrained layout's padding, in pixels."""
    return fig.bbox.width - fig.get_layout_engine().get()["w_pad"] * fig.dpi if isinstance(
        fig.get_layout_engine(), ConstrainedLayoutEngine) else fig.bbox.width - 0.04167 * fig.dpi


# --------------------------------------------------------------------------- underflow
def draw_underflow(result: UnderflowResult, ax: Axes | None = None) -> Axes:
    """log₁₀ P(first N test tokens): in log space (a line) and from the float64 product (until it is 0.0)."""
    ax = get_ax(ax)
    ax.plot(result.lengths, result.log10_product, "o-", color=PALETTE["blue"], label="Σ log₁₀ p (log space)")
    ok = result.product > 0
    with np.errstate(divide="ignore"):
        ax.plot(result.lengths[ok], np.log10(result.product[ok]), "x", ms=13, mew=3, color=PALETTE["orange"],
                label="log₁₀ of the float64 product")
    smallest = math.log10(np.finfo(float).smallest_subnormal)
    ax.axhline(smallest, color=PALETTE["vermillion"], ls=":", lw=1.5, label="smallest float64 ≈ 10$^{-324}$")
    if result.underflow_at:
        ax.axvline(result.underflow_at, color=PALETTE["orange"], lw=1.5, ls="--")
        ax.annotate(f"product = 0.0\nfrom N = {result.underflow_at}", (result.underflow_at, smallest),
                    xytext=(8, 12), textcoords="offset points", color=PALETTE["orange"], fontsize=13)
    ax.set_xlabel("number of test tokens N")
    ax.set_ylabel("log₁₀ P(w$_1$ … w$_N$)")
    ax.legend(loc="lower left")
    return ax


# --------------------------------------------------------------------------- n-gram models
def draw_model_table(table: ModelTable, ax: Axes | None = None, show_wsj: bool = True) -> Axes:
    """Grouped bars: train (hatched) and test perplexity by order and smoothing (log scale)."""
    ax = get_ax(ax)
    orders = sorted({r["n"] for r in table.rows})
    smoothings = list(dict.fromkeys(r["smoothing"] for r in table.rows))
    width = 0.8 / (2 * len(smoothings))
    for s_i, smoothing in enumerate(smoothings):
        for t_i, key in enumerate(("train_pp", "test_pp")):
            x = np.array(orders) - 0.4 + width * (2 * s_i + t_i + 0.5)
            y = [table.get(n, smoothing, key) for n in orders]
            ax.bar(x, y, width, color=SMOOTHING_COLORS.get(smoothing), alpha=0.45 if key == "train_pp" else 1.0,
                   hatch="//" if key == "train_pp" else None, edgecolor="white",
                   label=f"{smoothing} ({'train' if key == 'train_pp' else 'test'})")
    if show_wsj:
        wsj = [SLP3_WSJ[n] for n in orders if n in SLP3_WSJ]
        ax.plot([n for n in orders if n in SLP3_WSJ], wsj, "D--", color=PALETTE["black"], ms=8,
                label="SLP3 WSJ test (V ≈ 20 k, 38 M words; scale only)")
    ax.set_yscale("log")
    ax.set_xticks(orders, [f"{n}-gram" for n in orders])
    ax.set_ylabel("perplexity (log scale)")
    ax.legend(fontsize=11, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    ax.set_title(f"{table.corpus_name}: train (hatched) and test perplexity")
    return ax


def draw_vocabulary_sweep(sweep: VocabularySweep, ax: Axes | None = None) -> Axes:
    """Test perplexity against vocabulary size V, with the uniform model's PP = V for reference."""
    ax = get_ax(ax)
    v = sweep.vocab_size
    ax.plot(v, v, ":", color=PALETTE["black"], label="uniform over V: PP = V")
    colors = [PALETTE["orange"], PALETTE["green"], PALETTE["blue"], PALETTE["purple"]]
    for i, n in enumerate(sweep.orders):
        ax.plot(v, sweep.test_pp[i], "o-", color=colors[i % len(colors)], label=f"{n}-gram ({sweep.smoothing})")
    for j, mc in enumerate(sweep.min_counts):
        ax.annotate(f"count ≥ {mc}", (v[j], sweep.test_pp[0, j]), xytext=(0, 10), textcoords="offset points",
                    ha="center", fontsize=11)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("vocabulary size V (words seen ≥ min count, + </s>, <unk>)")
    ax.set_ylabel("test perplexity")
    ax.legend(loc="upper left")
    return ax


def _plain_log_labels(ax: Axes) -> None:
    """Label log axes with plain numbers (1e-04 → 0.0001, 100) and no minor labels."""
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())


def draw_add_k_curve(curve: AddKCurve, ax: Axes | None = None, reference: float | None = None) -> Axes:
    """Train and test perplexity of an add-k model against k, with the chosen k marked."""
    ax = get_ax(ax)
    ax.plot(curve.ks, curve.train_pp, color=PALETTE["orange"], label="train")
    ax.plot(curve.ks, curve.test_pp, color=PALETTE["blue"], label="test")
    ax.plot([curve.k], [curve.train_at_k], "o", color=PALETTE["orange"], ms=10)
    ax.plot([curve.k], [curve.test_at_k], "o", color=PALETTE["blue"], ms=10)
    ax.axvline(curve.k, color="0.5", lw=1)
    if reference is not None:
        ax.axhline(reference, color=PALETTE["green"], ls="--", label=f"Kneser–Ney test ({reference:.0f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_log_labels(ax)  # plain numbers instead of mathtext: ~2x faster to draw on every slider move
    ax.set_xlabel("k (add-k pseudo-count)")
    ax.set_ylabel("perplexity")
    ax.set_title(f"add-k {curve.n}-gram")
    ax.legend(loc="upper right")  # the empty corner for every order (large k, above PP = V) on k in [1e-9, 10]
    return ax


def add_k_data(corpus: Corpus) -> dict:
    """For n = 1, 2, 3: add-k counts behind every train and test token, the curve over k, and
    the Kneser–Ney test perplexity (the precomputation behind :func:`add_k_widget`)."""
    data = {}
    for n in (1, 2, 3):
        model = fit_model(corpus, n, "add-k")
        train, test = model.top_order_counts(corpus.train), model.top_order_counts(corpus.test)
        data[n] = (train, test, compute_add_k_curve(train, test, n, 1.0, ks=np.logspace(-9, 1, 41)),
                   fit_model(corpus, n, "kneser-ney", discount="estimate").perplexity(corpus.test))
    return data


@lru_cache(maxsize=1)
def _default_add_k_data() -> dict:
    return add_k_data(load_python_docs())


@lru_cache(maxsize=1)
def _default_table() -> ModelTable:
    return compute_model_table(load_python_docs())


# --------------------------------------------------------------------------- tokenisation (section 7)
def draw_tokenisations(result, axes=None, selected: tuple[str, int] | None = None):
    """Two panels: perplexity per token (log scale) and bits per character, words against characters.

    ``selected = (tokenisation, n)`` rings that model in both panels. Returns the two Axes.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        axes = plt.subplots(1, 2, figsize=(12, 4.5))[1]
    ax_pp, ax_bpc = axes
    n = np.array(result.orders)
    styles = {"words": (PALETTE["blue"], "o-"), "characters": (PALETTE["orange"], "s--")}
    for name, pp, bpc in (("words", result.word_pp, result.word_bpc), ("characters", result.char_pp, result.char_bpc)):
        color, fmt = styles[name]
        ax_pp.plot(n, pp, fmt, color=color, ms=7, label=name)
        ax_bpc.plot(n, bpc, fmt, color=color, ms=7, label=name)
    ax_pp.set_yscale("log")
    _plain_log_labels(ax_pp)
    ax_pp.set_ylabel("perplexity per token")
    ax_pp.set_title("per token: not comparable")
    ax_bpc.set_ylabel("bits per character")
    ax_bpc.set_title("same text, per character")
    ax_bpc.set_ylim(0, 1.1 * max(result.word_bpc.max(), result.char_bpc.max()))
    for ax in axes:
        ax.set_xticks(n)
        ax.set_xlim(n[0] - 0.5, n[-1] + 0.5)
        ax.set_xlabel("n-gram order n")
        ax.legend(loc="upper right")
    if selected is not None:
        name, order = selected
        i = list(result.orders).index(order)
        pp, bpc = (result.word_pp, result.word_bpc) if name == "words" else (result.char_pp, result.char_bpc)
        ax_pp.plot([order], [pp[i]], "o", ms=18, mfc="none", mec=PALETTE["black"], mew=2)
        ax_bpc.plot([order], [bpc[i]], "o", ms=18, mfc="none", mec=PALETTE["black"], mew=2)
    return axes


@lru_cache(maxsize=1)
def _default_tokenisations():
    from course_utils.perplexity.bridge import compute_tokenisations

    return compute_tokenisations(load_python_docs())
