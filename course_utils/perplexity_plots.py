"""Lecture 3 — drawing, widgets and committed figures for perplexity.

``draw_*(result, ax=None)`` only draw; ``*_widget()`` wire sliders to the pure compute functions of
:mod:`course_utils.perplexity` with :func:`course_utils.widgets.live_figure` (one reused figure);
``FIGURES`` lists the figures written by ``python -m course_utils.figures``.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from . import widgets as W
from .perplexity import (SLP3_WSJ, AddKCurve, BranchingResult, Corpus, DieResult, ModelTable, UnderflowResult,
                         VocabularySweep, compute_add_k_curve, compute_branching, compute_die, compute_model_table,
                         compute_vocabulary_sweep, fit_model, load_python_docs)
from .plotting import PALETTE, get_ax

SMOOTHING_COLORS = {"add-k": PALETTE["vermillion"], "interpolated": PALETTE["sky"], "kneser-ney": PALETTE["blue"]}


def _fmt_pp(pp: float) -> str:
    return "∞" if math.isinf(pp) else f"{pp:.2f}"


# --------------------------------------------------------------------------- dice
def _legend_text(ax: Axes, label: str):
    """The legend's Text showing ``label`` (to change it in place)."""
    return next(t for t in ax.get_legend().get_texts() if t.get_text() == label)


def _relayout(fig: Figure) -> None:
    """Solve the constrained layout again on the next draw (a widget with ``freeze_layout=True``
    freezes it again right after that draw)."""
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.set_layout_engine("constrained")


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


def die_readout(result: DieResult) -> str:
    """One line of text for the die widget."""
    pp = result.perplexity
    best = 2 ** result.test_entropy_bits
    return (f"perplexity on the test rolls = <b>{_fmt_pp(pp)}</b> "
            f"(cross-entropy {result.cross_entropy_bits:.3f} bits); "
            f"best possible on these rolls 2<sup>H(test)</sup> = {best:.2f}; "
            f"model's own 2<sup>H(model)</sup> = {2 ** result.model_entropy_bits:.2f}")


def die_widget(p_six: float = 0.58, six_share: float = 0.58, n_rolls: int = 12) -> W.LiveFigure:
    """Sliders for the die's P(six), the test set's share of sixes and its number of rolls.

    The figure is drawn once by :func:`draw_die`; a slider move only updates the bars' heights,
    the legend entry and the title in place. The share slider moves in steps of 1/n_rolls
    (one more or one fewer six per step).
    """
    state: dict = {}

    def update(ax, p_six, six_share, n_rolls):
        result = compute_die(p_six=p_six, six_share=six_share, n_rolls=n_rolls)
        if state.get("ax") is not ax or not ax.containers:
            ax.clear()
            draw_die(result, ax=ax)
            state.update(ax=ax, model=ax.containers[0], test=ax.containers[1],
                         legend_text=_legend_text(ax, ax.containers[1].get_label()))
            ax.set_title(ax.get_title(), y=1.0)  # fixed title position: no tick label measuring per draw
        else:
            for bar, h in zip(state["model"], result.model_probs):
                bar.set_height(h)
            for bar, h in zip(state["test"], result.test_freqs):
                bar.set_height(h)
            label = f"test set share ({result.outcomes.size} rolls)"
            state["test"].set_label(label)
            state["legend_text"].set_text(label)
            ax.set_title(f"perplexity {_fmt_pp(result.perplexity)}", y=1.0)
        return die_readout(result)

    controls = {"p_six": W.float_slider(p_six, 0.0, 1.0, 0.01, description="model P(six)"),
                "six_share": W.float_slider(six_share, 0.0, 1.0, 1 / n_rolls, description="sixes in test set"),
                "n_rolls": W.int_slider(n_rolls, 1, 60, description="test rolls")}

    def set_share_step(change):
        controls["six_share"].step = 1 / change["new"]

    controls["n_rolls"].observe(set_share_step, names="value")
    return W.live_figure(update, controls, figsize=(9, 4), freeze_layout=True)


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


def branching_widget(k: int = 6, skew: float = 1.0, k_max: int = 30) -> W.LiveFigure:
    """Sliders for the number of outcomes k and the skew of a Zipf-like die.

    The figure is drawn once by :func:`draw_branching`; a slider move only updates the Zipf
    curve, its legend entry, the ring marker and its annotation in place.
    """
    state: dict = {}

    def update(ax, k, skew):
        result = compute_branching(k_max=k_max, skew=skew)
        i = int(k) - 1
        if state.get("ax") is not ax or len(ax.lines) != 3:
            ax.clear()
            draw_branching(result, ax=ax, k=k)
            state.update(ax=ax, skewed=ax.lines[1], ring=ax.lines[2], note=ax.texts[0],
                         legend_text=_legend_text(ax, ax.lines[1].get_label()))
        else:
            label = f"Zipf p$_i$ ∝ i$^{{-{result.skew:.2g}}}$: PP = 2$^{{H}}$"
            state["skewed"].set_ydata(result.skewed)
            state["skewed"].set_label(label)
            state["legend_text"].set_text(label)
            fig = ax.figure
            if "wide" not in state:  # after the first draw: the frozen layout, if the label fitted in it
                fits = state["note"].get_window_extent(fig.canvas.get_renderer()).x1 <= _right_limit_px(fig)
                state.update(wide=ax.get_position() if fits else None, note_out=not fits)
            state["ring"].set_data([k], [result.skewed[i]])
            state["note"].xy = (k, result.skewed[i])
            state["note"].set_text(f"{result.skewed[i]:.2f}")
            # The layout is frozen after the first draw (freeze_layout); near the right edge the
            # value label sticks out of the figure, and constrained layout used to make room for it:
            # solve the layout again whenever the label leaves or re-enters the figure.
            out = _note_sticks_out(state["note"], state["wide"], ax.get_xlim())
            if out or state["note_out"]:
                _relayout(fig)
            state["note_out"] = out
        return (f"a {k}-sided Zipf die with skew {skew:.2f} is as uncertain as a fair die with "
                f"<b>{result.skewed[k - 1]:.2f}</b> faces")

    controls = {"k": W.int_slider(k, 1, k_max, description="outcomes k"),
                "skew": W.float_slider(skew, 0.0, 3.0, 0.05, description="skew")}
    return W.live_figure(update, controls, figsize=(9, 4), freeze_layout=True)


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
    ax.legend(loc="lower right")  # the empty corner for every order (large k, low perplexity)
    return ax


def add_k_data(corpus: Corpus) -> dict:
    """For n = 1, 2, 3: add-k counts behind every train and test token, the curve over k, and
    the Kneser–Ney test perplexity (the precomputation behind :func:`add_k_widget`)."""
    data = {}
    for n in (1, 2, 3):
        model = fit_model(corpus, n, "add-k")
        train, test = model.top_order_counts(corpus.train), model.top_order_counts(corpus.test)
        data[n] = (train, test, compute_add_k_curve(train, test, n, 1.0, ks=np.logspace(-4, 1, 26)),
                   fit_model(corpus, n, "kneser-ney").perplexity(corpus.test))
    return data


@lru_cache(maxsize=1)
def _default_add_k_data() -> dict:
    return add_k_data(load_python_docs())


def add_k_widget(corpus: Corpus | None = None, n: int = 2, k: float = 1.0) -> W.LiveFigure:
    """Sliders for the order n and add-k's k: train/test perplexity curves over k (default corpus if None).

    Counts and curves are computed once; a slider move only evaluates one k (numpy, a few ms).
    """
    data = _default_add_k_data() if corpus is None else add_k_data(corpus)
    # one y range for every order (log scale, 5 % margins): the orders compare on the same scale,
    # and a move of either slider redraws only the curves (a blit, see course_utils.blit)
    values = np.concatenate([np.r_[full.train_pp, full.test_pp, kn] for _, _, full, kn in data.values()])
    lo, hi = np.log10(values.min()), np.log10(values.max())
    ylim = 10 ** np.array([lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)])

    state: dict = {}

    def update(ax, n, k):
        train, test, full, kn = data[n]
        curve = AddKCurve(n=n, ks=full.ks, train_pp=full.train_pp, test_pp=full.test_pp, k=float(k),
                          train_at_k=train.add_k_perplexity(k), test_at_k=test.add_k_perplexity(k))
        if state.get("ax") is not ax or len(ax.lines) != 6:
            # first call (or someone cleared the axes): draw everything once
            ax.clear()
            draw_add_k_curve(curve, ax=ax, reference=kn)
            state.update(ax=ax, n=n, lines=list(ax.lines), legend_text=_legend_text(ax, ax.lines[5].get_label()))
            ax.set_title(ax.get_title(), y=1.0)  # fixed title position: no tick label measuring per draw
            ax.set_ylim(*ylim)
            return _add_k_readout(curve, kn)
        train_line, test_line, train_dot, test_dot, vline, ref = state["lines"][:6]
        train_dot.set_data([curve.k], [curve.train_at_k])
        test_dot.set_data([curve.k], [curve.test_at_k])
        vline.set_xdata([curve.k, curve.k])
        if state["n"] != n:  # another order: other curves, reference line, title and y range
            state["n"] = n
            train_line.set_data(curve.ks, curve.train_pp)
            test_line.set_data(curve.ks, curve.test_pp)
            ref.set_ydata([kn, kn])
            label = f"Kneser–Ney test ({kn:.0f})"
            ref.set_label(label)
            state["legend_text"].set_text(label)
            ax.set_title(f"add-k {curve.n}-gram", y=1.0)
        return _add_k_readout(curve, kn)

    controls = {"n": W.int_slider(n, 1, 3, description="order n"),
                "k": W.log_slider(k, -4, 1, 0.1, description="k")}
    return W.live_figure(update, controls, figsize=(9, 4.5), freeze_layout=True)


def _add_k_readout(curve: AddKCurve, kn: float) -> str:
    return (f"add-k {curve.n}-gram, k = {curve.k:.3g}: train PP <b>{curve.train_at_k:.1f}</b>, "
            f"test PP <b>{curve.test_at_k:.1f}</b> (Kneser–Ney {curve.n}-gram: {kn:.1f})")


# --------------------------------------------------------------------------- committed figures
def figure_die() -> Figure:
    """Fair die (PP 6) and the unfair die of the lecture on a matching test set (PP ≈ 3.86)."""
    fig = Figure(figsize=(12, 4.5), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    fair = compute_die(p_six=1 / 6, six_share=1 / 6, n_rolls=12)
    unfair = compute_die()
    draw_die(fair, ax=axes[0], title=f"fair die: perplexity {fair.perplexity:.2f}")
    draw_die(unfair, ax=axes[1], title=f"P(six) = 7/12: perplexity {unfair.perplexity:.2f}")
    return fig


def figure_branching() -> Figure:
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    draw_branching(compute_branching(k_max=20, skew=1.0), ax=fig.subplots(), k=6)
    return fig


@lru_cache(maxsize=1)
def _default_table() -> ModelTable:
    return compute_model_table(load_python_docs())


def figure_model_table() -> Figure:
    fig = Figure(figsize=(11, 5), layout="constrained")
    draw_model_table(_default_table(), ax=fig.subplots())
    return fig


def figure_vocabulary() -> Figure:
    fig = Figure(figsize=(9, 5), layout="constrained")
    draw_vocabulary_sweep(compute_vocabulary_sweep(load_python_docs(), min_counts=(1, 2, 5, 20, 50)), ax=fig.subplots())
    return fig


FIGURES = {
    "03_die_perplexity": figure_die,
    "03_branching_factor": figure_branching,
    "03_ngram_perplexity": figure_model_table,
    "03_perplexity_vs_vocabulary": figure_vocabulary,
}
