"""Lecture 1 — Performer kernels: softmax attention, random features and FAVOR+.

The lecture's public face: ``from course_utils import performer`` gives every function below.

Modules
-------
features     the softmax kernel, random matrices (orthogonal, with the QR sign fix), feature maps, Lemma 2, Theorem 2
attention    exact attention and FAVOR+ (bidirectional, causal), the cost model
experiments  ``compute_*(params) -> result``: the lecture's experiments
timing       time and memory measurements
plots        ``draw_*(result, ax=None)``
widgets      ``rff_widget``, ``favor_widget``
exercises    ``check_*()`` and the exercises
figures      the committed figures (``FIGURES``)
"""
from .attention import (
    attention_bytes,
    attention_flops,
    attention_matrix,
    exact_attention,
    favor_attention,
    favor_attention_matrix,
    favor_features,
    relative_error,
)
from .exercises import (
    CROSSOVER_D,
    CROSSOVER_M,
    EX_CROSSOVER,
    EX_HAAR_Q,
    EX_STABILISE,
    EX_TRIG_MSE,
    EXERCISES,
    QR_EXERCISE_SEED,
    SOLUTIONS,
    STABILISE_CHOICES,
    TRIG_M,
    TRIG_MSE_SOLUTION,
    check_crossover,
    check_haar_q,
    check_stabilise,
    check_trig_mse,
    qr_exercise_matrix,
)
from .experiments import (
    FavorDemo,
    FavorErrorCurve,
    OrthogonalGain,
    PolynomialDemo,
    QRSignPitfall,
    RFFError,
    SoftmaxMSECurves,
    compute_favor_demo,
    compute_favor_error_curve,
    compute_orthogonal_gain,
    compute_polynomial_demo,
    compute_qr_sign_pitfall,
    compute_rff_error,
    compute_softmax_mse_curves,
    demo_qkv,
    format_mean_se,
    rff_kernel_matrix,
    rff_loglog_slope,
)
from .features import (
    KINDS,
    MonteCarloMSE,
    gaussian_kernel,
    gaussian_random_matrix,
    kernel_estimate,
    kernel_estimator_mse,
    monte_carlo_mse,
    orthogonal_mse_bound,
    polynomial_features,
    random_features,
    rff_features,
    softmax_kernel,
)
from .figures import (
    figure_favor_heatmaps,
    figure_qr_sign_pitfall,
    figure_rff_error,
    figure_softmax_mse,
)
from .plots import (
    KIND_COLORS,
    KIND_LABELS,
    draw_analytic_cost,
    draw_attention_cost,
    draw_attention_pair,
    draw_favor_error_curve,
    draw_kernel_matrix,
    draw_mse_vs_m,
    draw_orthogonal_gain,
    draw_qr_sign_pitfall,
    draw_rff_error,
    draw_softmax_mse,
)
from .timing import (
    AttentionCost,
    measure_attention_cost,
    median_time,
    peak_allocated_bytes,
)
from .widgets import (
    favor_widget,
    rff_widget,
)
