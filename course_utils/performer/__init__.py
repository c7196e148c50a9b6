"""Lecture 1 — Performer kernels: softmax attention, random features and FAVOR+.

The lecture's public face: ``from course_utils import performer`` gives every function below.

Modules
-------
features     the softmax kernel, random matrices (orthogonal, with the QR sign fix), feature maps, Lemma 2, Theorem 2
attention    exact attention and FAVOR+ (bidirectional, causal; kinds incl. the generalised ReLU kernel)
blockwise    FAVOR+ in cache-sized row blocks, spread over the BLAS threads (what favor_attention runs)
illustrations  the kernel-trick picture and the histograms of single estimates
experiments  ``compute_*(params) -> result``: the lecture's experiments (kernels, Lemma 2, orthogonality)
favor_experiments  the FAVOR+ experiments (demo, baselines, kinds vs sharpness, QR-sign bias at d = 64)
cost         the FLOP and byte counts
timing       time and memory measurements
plots        ``draw_*(result, ax=None)``
widgets      ``rff_widget``, ``favor_widget``
exercises    ``check_*()`` and the exercises
figures      the committed figures (``FIGURES``)
"""
from .attention import (
    FAVOR_KINDS,
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
    EX_CAUSAL,
    EX_CROSSOVER,
    EX_HAAR_Q,
    EX_QR_BIAS,
    EX_STABILISE,
    EX_STABLE_KEYS,
    EX_TRIG_MSE,
    EXERCISES,
    QR_EXERCISE_SEED,
    SOLUTIONS,
    STABILISE_CHOICES,
    TRIG_M,
    TRIG_MSE_SOLUTION,
    causal_favor_solution,
    check_causal,
    check_crossover,
    check_haar_q,
    check_qr_bias,
    check_stabilise,
    check_stable_keys,
    check_trig_mse,
    qr_exercise_matrix,
    stable_key_features_solution,
)
from .experiments import (
    OrthogonalGain,
    PolynomialDemo,
    QRSignPitfall,
    RFFError,
    SoftmaxMSECurves,
    compute_orthogonal_gain,
    compute_polynomial_demo,
    compute_qr_sign_pitfall,
    compute_rff_error,
    compute_softmax_mse_curves,
    format_mean_se,
    rff_kernel_matrix,
    rff_loglog_slope,
)
from .favor_experiments import (
    ErrorVsM,
    FavorDemo,
    FavorErrorCurve,
    FavorTable,
    KindComparison,
    LargeLogitCheck,
    QRSignBias,
    compute_error_vs_m,
    compute_favor_demo,
    compute_favor_error_curve,
    compute_favor_table,
    compute_kind_comparison,
    compute_large_logit_check,
    compute_qr_sign_bias,
    demo_qkv,
    independent_qkv,
    mean_value_baseline,
    relu_kernel_attention,
    relu_limit_error,
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
from .illustrations import (
    EstimateHistograms,
    KernelTrickDemo,
    compute_estimate_histograms,
    compute_kernel_trick_demo,
    draw_estimate_histograms,
    draw_kernel_trick,
)
from .plots import (
    KIND_COLORS,
    KIND_LABELS,
    KIND_STYLES,
    draw_analytic_cost,
    draw_attention_cost,
    draw_attention_pair,
    draw_error_vs_m,
    draw_favor_error_curve,
    draw_kernel_matrix,
    draw_kind_comparison,
    draw_mse_vs_m,
    draw_orthogonal_gain,
    draw_qr_sign_pitfall,
    draw_rff_error,
    draw_scaling,
    draw_softmax_mse,
)
from .timing import (
    AttentionCost,
    compute_float32_error,
    fit_exponent,
    measure_attention_cost,
    measure_favor_seconds,
    measure_floor_ratio,
    median_time,
    peak_allocated_bytes,
)
from .widgets import (
    favor_widget,
    lemma2_widget,
    rff_widget,
)
