"""Lecture 1 — two illustrations: the kernel trick (section 2) and histograms of single estimates (section 4).

``compute_*`` are pure and seeded; ``draw_*`` only draw.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_utils.core.plotting import PALETTE
from course_utils.core.validation import check_int
from course_utils.performer.features import random_features


@dataclass
class KernelTrickDemo:
    """Points inside / outside a circle: not linearly separable in ℝ², separable after φ(x) = (x₁², x₂², √2x₁x₂)."""

    X: np.ndarray        # (n, 2)
    labels: np.ndarray   # (n,) 1 inside, 0 outside
    features: np.ndarray  # (n, 3)
    radius: float


def compute_kernel_trick_demo(n: int = 160, *, radius: float = 1.0, seed: int = 1) -> KernelTrickDemo:
    """n points uniform in [−1.6, 1.6]², labelled by ‖x‖ < radius (a margin of 0.15 left empty)."""
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    n = check_int(n, "n", minimum=2)
    pts = []
    while len(pts) < n:
        p = rng.uniform(-1.6, 1.6, 2)
        if abs(np.linalg.norm(p) - radius) > 0.15:
            pts.append(p)
    X = np.array(pts)
    labels = (np.linalg.norm(X, axis=1) < radius).astype(int)
    feats = np.column_stack([X[:, 0] ** 2, X[:, 1] ** 2, math.sqrt(2) * X[:, 0] * X[:, 1]])
    return KernelTrickDemo(X, labels, feats, float(radius))


def draw_kernel_trick(demo: KernelTrickDemo, axes=None):
    """Left: the input space (no separating line). Right: (x₁², x₂²), where the line x₁² + x₂² = r² separates."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 5))
    inside = demo.labels == 1
    for ax, P, title, xl, yl in ((axes[0], demo.X, "input space: no line separates", "$x_1$", "$x_2$"),
                                 (axes[1], demo.features[:, :2], "feature space: a line does", "$x_1^2$", "$x_2^2$")):
        ax.plot(P[inside, 0], P[inside, 1], "o", color=PALETTE["blue"], ms=7, label="inside the circle")
        ax.plot(P[~inside, 0], P[~inside, 1], "x", color=PALETTE["vermillion"], ms=7, mew=2, label="outside")
        ax.set(title=title, xlabel=xl, ylabel=yl)
    t = np.linspace(0, 2 * np.pi, 200)
    axes[0].plot(demo.radius * np.cos(t), demo.radius * np.sin(t), ":", color="0.35")
    axes[0].set_aspect("equal")
    r2 = demo.radius**2
    axes[1].plot([0, r2], [r2, 0], "--", color=PALETTE["black"], lw=2, label=r"$x_1^2 + x_2^2 = r^2$")
    axes[1].legend(fontsize=11, loc="upper right")
    return axes


@dataclass
class EstimateCase:
    label: str
    true_value: float
    trig: np.ndarray       # (n,) single estimates, m = 1
    positive: np.ndarray   # (n,)

    @property
    def positive_skewness(self) -> float:
        z = self.positive - self.positive.mean()
        return float(np.mean(z**3) / np.mean(z**2) ** 1.5)


@dataclass
class EstimateHistograms:
    cases: list[EstimateCase]
    n: int


def compute_estimate_histograms(*, n: int = 20000, d: int = 16, norm: float = 1.0, seed: int = 2) -> EstimateHistograms:
    """Single (m = 1) trig and positive estimates of SM(x, y), ‖x‖ = ‖y‖ = norm, at 150° (small value) and 30° (large)."""
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    n, d = check_int(n, "n", minimum=2), check_int(d, "d", minimum=2)
    x = np.zeros(d)
    x[0] = norm
    cases = []
    for label, deg in (("small value: 150° apart", 150), ("large value: 30° apart", 30)):
        y = np.zeros(d)
        y[0], y[1] = norm * math.cos(math.radians(deg)), norm * math.sin(math.radians(deg))
        omega = rng.standard_normal((n, d))
        est = {}
        for kind in ("trig", "positive"):
            fx = random_features(x, omega, kind) * math.sqrt(n)  # each ω alone: m = 1
            fy = random_features(y, omega, kind) * math.sqrt(n)
            pair = fx * fy
            est[kind] = pair[:n] + pair[n:] if kind == "trig" else pair
        cases.append(EstimateCase(label, math.exp(float(x @ y)), est["trig"], est["positive"]))
    return EstimateHistograms(cases, n)


def draw_estimate_histograms(res: EstimateHistograms, axes=None):
    """One panel per case: histograms of the single estimates, the true value as a vertical line."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, len(res.cases), figsize=(13, 4.5))
    for ax, case in zip(np.atleast_1d(axes), res.cases):
        hi = float(np.quantile(case.positive, 0.995))
        lo = min(float(np.quantile(case.trig, 0.005)), 0.0)
        top = max(hi, float(np.quantile(case.trig, 0.995)))
        bins = np.linspace(lo, top, 60)
        ax.hist(case.trig, bins=bins, color=PALETTE["vermillion"], alpha=0.55, label="trigonometric")
        ax.hist(case.positive, bins=bins, histtype="step", lw=2.5, color=PALETTE["blue"], label="positive")
        ax.axvline(case.true_value, color=PALETTE["black"], ls="--", label=f"SM = {case.true_value:.2f}")
        ax.axvline(0, color="0.5", lw=1)
        ax.set(title=case.label, xlabel="single estimate (m = 1)", ylabel="count")
        ax.legend(fontsize=11)
    return axes
