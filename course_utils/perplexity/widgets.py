"""Lecture 3 — the sliders (the die, the branching factor, add-k).
"""
from __future__ import annotations

import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine

from course_utils.core.widgets import LiveFigure, Readout, dropdown, float_slider, int_slider, live_figure, log_slider
from course_utils.perplexity.corpus import Corpus
from course_utils.perplexity.experiments import AddKCurve
from course_utils.perplexity.metrics import DieResult, compute_branching, compute_die
from course_utils.perplexity.plots import (
    _default_add_k_data,
    _default_tokenisations,
    _fmt_pp,
    _legend_text,
    _note_sticks_out,
    _right_limit_px,
    add_k_data,
    draw_add_k_curve,
    draw_branching,
    draw_die,
    draw_tokenisations,
)


def die_readout(result: DieResult) -> str:
    """One line of text for the die widget."""
    pp = result.perplexity
    best = 2 ** result.test_entropy_bits
    return (f"perplexity on the test rolls = <b>{_fmt_pp(pp)}</b> "
            f"(cross-entropy {result.cross_entropy_bits:.3f} bits); "
            f"best any order-blind model can do on these rolls: 2<sup>H(test)</sup> = {best:.2f}; "
            f"model's own 2<sup>H(model)</sup> = {2 ** result.model_entropy_bits:.2f}")


def die_widget(p_six: float = 0.58, six_share: float = 0.58, n_rolls: int = 12) -> LiveFigure:
    """Sliders for the die's P(six), the test set's share of sixes and its number of rolls.

    The figure is drawn once by :func:`draw_die`; a slider move only updates the bars' heights,
    the legend entry and the title in place. The share slider moves in steps of 1/n_rolls
    (one more or one fewer six per step).
    """
    def setup(ax, p_six, six_share, n_rolls):
        draw_die(compute_die(p_six=p_six, six_share=six_share, n_rolls=n_rolls), ax=ax)
        ax.set_title(ax.get_title(), y=1.0)  # fixed title position: no tick label measuring per draw
        return {"model": ax.containers[0], "test": ax.containers[1], "title": ax.title,
                "legend_text": _legend_text(ax, ax.containers[1].get_label())}

    def update(artists, p_six, six_share, n_rolls):
        result = compute_die(p_six=p_six, six_share=six_share, n_rolls=n_rolls)
        for bar, h in zip(artists["model"], result.model_probs):
            bar.set_height(h)
        for bar, h in zip(artists["test"], result.test_freqs):
            bar.set_height(h)
        label = f"test set share ({result.outcomes.size} rolls)"
        artists["test"].set_label(label)
        artists["legend_text"].set_text(label)
        artists["title"].set_text(f"perplexity {_fmt_pp(result.perplexity)}")
        return die_readout(result)

    controls = {"p_six": float_slider(p_six, 0.0, 1.0, 0.01, description="model P(six)"),
                "six_share": float_slider(six_share, 0.0, 1.0, 1 / n_rolls, description="sixes in test set"),
                "n_rolls": int_slider(n_rolls, 1, 60, description="test rolls")}

    def set_share_step(change):
        controls["six_share"].step = 1 / change["new"]

    controls["n_rolls"].observe(set_share_step, names="value")
    return live_figure(update, controls, setup=setup, figsize=(9, 4), freeze_layout=True)


def branching_widget(k: int = 6, skew: float = 1.0, k_max: int = 30) -> LiveFigure:
    """Sliders for the number of outcomes k and the skew of a Zipf-like die.

    The figure is drawn once by :func:`draw_branching`; a slider move only updates the Zipf
    curve, its legend entry, the ring marker and its annotation in place.
    """
    def setup(ax, k, skew):
        draw_branching(compute_branching(k_max=k_max, skew=skew), ax=ax, k=k)
        # layout bookkeeping (not picture state): the frozen layout's axes when the value label
        # fits in it ("wide"), and whether the label stuck out at the last draw
        return {"skewed": ax.lines[1], "ring": ax.lines[2], "note": ax.texts[0],
                "legend_text": _legend_text(ax, ax.lines[1].get_label()), "layout": {"wide": None, "note_out": True}}

    def update(artists, k, skew):
        result = compute_branching(k_max=k_max, skew=skew)
        i = int(k) - 1
        label = f"Zipf p$_i$ ∝ i$^{{-{result.skew:.2g}}}$: PP = 2$^{{H}}$"
        note, layout = artists["note"], artists["layout"]
        ax = note.axes
        fig = ax.figure
        if layout["wide"] is None and not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
            # the layout was solved and frozen: remember it, if the label fitted in it
            if note.get_window_extent(fig.canvas.get_renderer()).x1 <= _right_limit_px(fig):
                layout["wide"] = ax.get_position()
        artists["skewed"].set_ydata(result.skewed)
        artists["skewed"].set_label(label)
        artists["legend_text"].set_text(label)
        artists["ring"].set_data([k], [result.skewed[i]])
        note.xy = (k, result.skewed[i])
        note.set_text(f"{result.skewed[i]:.2f}")
        # The layout is frozen after the first draw (freeze_layout); near the right edge the
        # value label sticks out of the figure, and constrained layout makes room for it: solve
        # the layout again whenever the label leaves or re-enters the figure.
        out = _note_sticks_out(note, layout["wide"], ax.get_xlim())
        relayout = out or layout["note_out"]
        layout["note_out"] = out
        return Readout(f"a {k}-sided Zipf die with skew {skew:.2f} is as uncertain as a fair die with "
                       f"<b>{result.skewed[k - 1]:.2f}</b> faces", relayout=relayout)

    controls = {"k": int_slider(k, 1, k_max, description="outcomes k"),
                "skew": float_slider(skew, 0.0, 3.0, 0.05, description="skew")}
    return live_figure(update, controls, setup=setup, figsize=(9, 4), freeze_layout=True)


def add_k_widget(corpus: Corpus | None = None, n: int = 2, k: float = 1.0) -> LiveFigure:
    """Sliders for the order n and add-k's k: train/test perplexity curves over k (default corpus if None).

    Counts and curves are computed once; a slider move only evaluates one k (numpy, a few ms).
    """
    data = _default_add_k_data() if corpus is None else add_k_data(corpus)
    # one y range for every order (log scale, 5 % margins): the orders compare on the same scale,
    # and a move of either slider redraws only the curves (a blit, see course_utils.core.blit)
    values = np.concatenate([np.r_[full.train_pp, full.test_pp, kn] for _, _, full, kn in data.values()])
    lo, hi = np.log10(values.min()), np.log10(values.max())
    ylim = 10 ** np.array([lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)])

    def curve_at(n, k) -> tuple[AddKCurve, float]:
        train, test, full, kn = data[n]
        return AddKCurve(n=n, ks=full.ks, train_pp=full.train_pp, test_pp=full.test_pp, k=float(k),
                         train_at_k=train.add_k_perplexity(k), test_at_k=test.add_k_perplexity(k)), kn

    def setup(ax, n, k):
        curve, kn = curve_at(n, k)
        draw_add_k_curve(curve, ax=ax, reference=kn)
        ax.set_title(ax.get_title(), y=1.0)  # fixed title position: no tick label measuring per draw
        ax.set_ylim(*ylim)
        return {"lines": list(ax.lines[:6]), "title": ax.title, "legend_text": _legend_text(ax, ax.lines[5].get_label())}

    def update(artists, n, k):
        curve, kn = curve_at(n, k)
        train_line, test_line, train_dot, test_dot, vline, ref = artists["lines"]
        train_dot.set_data([curve.k], [curve.train_at_k])
        test_dot.set_data([curve.k], [curve.test_at_k])
        vline.set_xdata([curve.k, curve.k])
        # the order n: its curves, reference line, legend entry and title
        train_line.set_data(curve.ks, curve.train_pp)
        test_line.set_data(curve.ks, curve.test_pp)
        ref.set_ydata([kn, kn])
        # the value is in the readout; a legend that does not change is pasted, not drawn
        ref.set_label("Kneser–Ney test")
        artists["legend_text"].set_text("Kneser–Ney test")
        artists["title"].set_text(f"add-k {curve.n}-gram")
        return _add_k_readout(curve, kn)

    controls = {"n": int_slider(n, 1, 3, description="order n"),
                "k": log_slider(k, -9, 1, 0.1, description="k")}
    return live_figure(update, controls, setup=setup, figsize=(9, 4.5), freeze_layout=True)


def _add_k_readout(curve: AddKCurve, kn: float) -> str:
    return (f"add-k {curve.n}-gram, k = {curve.k:.3g}: train PP <b>{curve.train_at_k:.1f}</b>, "
            f"test PP <b>{curve.test_at_k:.1f}</b> (Kneser–Ney {curve.n}-gram: {kn:.1f})")


def tokenisation_readout(result, tokenisation: str, n: int) -> str:
    """The conversion from perplexity per token to bits per character, for one model."""
    i = list(result.orders).index(n)
    if tokenisation == "words":
        bits = result.word_bits[i]
        return (f"word {n}-gram: PP <b>{result.word_pp[i]:.1f}</b> per word token = "
                f"{bits / result.n_word_tokens:.2f} bits × {result.n_word_tokens} tokens, "
                f"+ {result.spelling_bits:.0f} bits to spell the &lt;unk&gt; words, "
                f"/ {result.n_chars} characters = <b>{result.word_bpc[i]:.2f} bits per character</b>")
    return (f"character {n}-gram: PP <b>{result.char_pp[i]:.2f}</b> per character = "
            f"log<sub>2</sub> PP = <b>{result.char_bpc[i]:.2f} bits per character</b>")


def tokenisation_widget(tokenisation: str = "words", n: int = 3) -> LiveFigure:
    """A toggle for the tokenisation (words / characters) and a slider for the order n.

    Both curves are computed once (:func:`course_utils.perplexity.bridge.compute_tokenisations`);
    a move only moves the two rings and the readout.
    """
    result = _default_tokenisations()

    def setup(axes, tokenisation, n):
        draw_tokenisations(result, axes=axes, selected=(tokenisation, n))
        for ax in axes:
            ax.set_title(ax.get_title(), y=1.0)
        return {"rings": [axes[0].lines[-1], axes[1].lines[-1]]}

    def update(artists, tokenisation, n):
        i = list(result.orders).index(n)
        pp, bpc = (result.word_pp, result.word_bpc) if tokenisation == "words" else (result.char_pp, result.char_bpc)
        artists["rings"][0].set_data([n], [pp[i]])
        artists["rings"][1].set_data([n], [bpc[i]])
        return tokenisation_readout(result, tokenisation, n)

    controls = {"tokenisation": dropdown(["words", "characters"], tokenisation, description="tokenisation"),
                "n": int_slider(n, min(result.orders), max(result.orders), description="order n")}
    return live_figure(update, controls, setup=setup, ncols=2, figsize=(12, 4.5), freeze_layout=True)
