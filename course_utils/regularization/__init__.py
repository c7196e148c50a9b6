"""Lecture 2 — why minimising a norm regularises: L1 / L2 geometry.

The lecture's public face: ``from course_utils import regularization`` gives every function below.

Modules
-------
norms        input checks, Lp norms, soft thresholding, the elastic-net gauge
solvers      ridge and lasso (ISTA, FISTA, coordinate descent), paths, the duality gap
constrained  the constrained view: exact constrained optima, λ ↔ t, KKT, descent paths
experiments  ``compute_*(params) -> result``: polynomial fits, diabetes paths, posteriors, widget data
plots        ``draw_*(result, ax=None)``
widgets      the sliders
exercises    ``check_*()`` and the exercises
figures      the committed figures (``FIGURES``)
"""
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
from .exercises import (
    CORNER_H,
    CORNER_T,
    CORNER_W_STAR,
    EX_ALPHA_MAX,
    EX_L1_CORNER,
    EX_PRIOR,
    EX_SOFT_THRESHOLD,
    EXERCISES,
    PRIOR_CHOICES,
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
    polynomial_data,
    true_function,
)
from .figures import (
    figure_constrained_l1_l2,
    figure_diabetes_paths,
    figure_lp_balls,
    figure_shrinkage,
)
from .norms import (
    LASSO_METHODS,
    NORMS,
    elastic_net_gauge,
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
    draw_cv_curve,
    draw_degree_curve,
    draw_descent,
    draw_descent_coordinates,
    draw_lasso_path,
    draw_lp_ball,
    draw_nonzeros,
    draw_penalty_1d,
    draw_polynomial_fit,
    draw_posterior,
    draw_priors,
    draw_ridge_path,
    draw_shrinkage,
)
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
from .widgets import (
    bayes_widget,
    constrained_view_readout,
    constrained_view_widget,
    descent_widget,
    diabetes_widget,
    lp_ball_widget,
    polynomial_widget,
)
