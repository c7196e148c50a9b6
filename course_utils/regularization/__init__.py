"""Lecture 2 — why minimising a norm regularises: L1 / L2 geometry.

The lecture's public face: ``from course_utils import regularization`` gives every function below.

Modules
-------
norms        input checks, Lp norms, soft thresholding, the elastic-net gauge
solvers      ridge and lasso (ISTA, FISTA, coordinate descent), paths, the duality gap
sparsity     the sparsity map: which w* give an exact zero on the L1 ball (corner wedges)
descent      trajectories with a step size (GD = weight decay, subgradient, ISTA, FISTA), cached contours
constrained  the constrained view: exact constrained optima, λ ↔ t, KKT, descent paths
experiments  ``compute_*(params) -> result``: polynomial fits, diabetes paths, posteriors, widget data
evidence     the evidence behind the prose: path facts, feature scaling, CV spread, U-curve, bases
plots        ``draw_*(result, ax=None)``, sections 1–4 and 6 (plots_diabetes: section 5's paths;
             plots_evidence: the evidence figures)
widgets      the sliders of sections 1–4 (widgets_data: the diabetes and Bayes sliders)
exercises    ``check_*()`` and the exercises (coding_exercises: the ones where the student writes code)
figures      the committed figures (``FIGURES``)
"""
from .coding_exercises import (
    CODING_EXERCISES,
    EX_ALPHA_MAX_CODE,
    EX_ISTA_CODE,
    EX_LASSO_CD,
    EX_MAP_PREDICTION,
    EX_SOFT_CODE,
    check_alpha_max_code,
    check_ista_step,
    check_lasso_cd,
    check_map_prediction,
    check_soft_threshold_code,
    ista_step_reference,
    lasso_cd_reference,
    soft_threshold_reference,
)
from .constrained import (
    ConstrainedSolution,
    budget_path,
    budget_to_penalty,
    constrained_least_squares,
    correlation_hessian,
    descent_path,
    kkt_residual,
    loss_level_curve,
    penalized_least_squares,
    penalty_to_budget,
    quadratic_loss,
)
from .descent import DESCENT_METHODS, level_segments, lipschitz_constant, trajectory
from .evidence import (
    CVSpread,
    ScalingEffect,
    basis_coefficients,
    bias_variance,
    compute_cv_spread,
    compute_fold_seed_spread,
    compute_scaling_effect,
    lasso_support_events,
    ridge_path_facts,
    ridge_u_curve,
)
from .exercises import (
    CORNER_H,
    CORNER_T,
    CORNER_W_STAR,
    EX_ALPHA_MAX,
    EX_L1_CORNER,
    EX_PRIOR,
    EX_SOFT_THRESHOLD,
    EXERCISES,
    PRIOR_B,
    PRIOR_SIGMA,
    SOFT_THRESHOLD,
    SOFT_Z,
    check_alpha_max,
    check_l1_corner,
    check_prior,
    check_soft_threshold,
)
from .experiments import (
    ConstrainedView,
    DescentResult,
    DiabetesPaths,
    PolynomialFit,
    PosteriorResult,
    ball_boundary,
    compute_constrained_view,
    compute_descent,
    compute_diabetes_paths,
    compute_polynomial_fit,
    compute_posterior_1d,
    degree_curve,
    diabetes_data,
    gaussian_prior_pdf,
    laplace_prior_pdf,
    loss_segments,
    polynomial_data,
    true_function,
)
from .figures import (
    figure_constrained_l1_l2,
    figure_diabetes_paths,
    figure_lp_balls,
    figure_shrinkage,
    figure_sparsity_map,
)
from .norms import (
    LASSO_METHODS,
    NORMS,
    elastic_net_gauge,
    l0_ball_segments,
    l0_norm,
    lp_norm,
    soft_threshold,
)
from .plots import (
    C_DATA,
    C_EN,
    C_L1,
    C_L2,
    METHOD_LABELS,
    NORM_COLORS,
    NORM_LABELS,
    P_OPTIONS,
    draw_budget_path,
    draw_coefficients,
    draw_constrained_view,
    draw_degree_curve,
    draw_descent,
    draw_descent_coordinates,
    draw_lp_ball,
    draw_penalty_1d,
    draw_polynomial_fit,
    draw_posterior,
    draw_priors,
    draw_shrinkage,
)
from .plots_diabetes import (
    FEATURE_STYLES,
    draw_cv_curve,
    draw_lasso_path,
    draw_nonzeros,
    draw_ridge_path,
    labelled_features,
    path_styles,
)
from .plots_evidence import draw_cv_spread, draw_two_bases, draw_u_curve
from .solvers import (
    LassoInfo,
    alpha_max,
    lasso,
    lasso_duality_gap,
    lasso_objective,
    lasso_path,
    ridge,
    ridge_path,
)
from .sparsity import (
    SparsityMap,
    compute_sparsity_map,
    corner_cone_directions,
    corner_of,
    corner_region_polygons,
    project_l1_ball,
    projected_gradient_l1,
    scaled_hessian,
    sparse_mask,
    sparse_share,
    sparse_share_identity,
)
from .widgets import (
    constrained_view_readout,
    constrained_view_widget,
    descent_widget,
    lp_ball_widget,
    polynomial_widget,
)
from .widgets_data import bayes_widget, diabetes_widget
