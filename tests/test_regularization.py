"""Lecture 2: the mathematics of course_utils.regularization (closed forms, KKT, scikit-learn agreement)."""
import math

import numpy as np
import pytest
from sklearn.linear_model import Lasso, Ridge

from course_utils import regularization as reg

DIABETES_ALPHAS = (0.01, 0.1, 0.5, 1.0)


@pytest.fixture(scope="module")
def diabetes():
    X, y, _ = reg.diabetes_data()
    return X, y


# --- norms and soft thresholding ------------------------------------------------------------------

def test_lp_norm_known_values():
    w = np.array([3.0, -4.0])
    assert reg.lp_norm(w, 1) == pytest.approx(7.0)
    assert reg.lp_norm(w, 2) == pytest.approx(5.0)
    assert reg.lp_norm(w, np.inf) == 4.0
    assert reg.lp_norm(w, 0.5) == pytest.approx((math.sqrt(3) + 2) ** 2)
    assert reg.lp_norm(w, 1000) == pytest.approx(4.0, rel=1e-3)        # no overflow, tends to max
    np.testing.assert_allclose(reg.lp_norm(np.array([[1.0, 0.0], [1.0, 1.0]]), 2), [1.0, math.sqrt(2)])


def test_lp_quasi_norm_is_not_convex_below_one():
    mid = np.array([0.5, 0.5])
    for p in (0.5, 0.75):
        assert reg.lp_norm(mid, p) == pytest.approx(2 ** (1 / p - 1)) and reg.lp_norm(mid, p) > 1
    for p in (1.0, 2.0, np.inf):
        assert reg.lp_norm(mid, p) <= 1 + 1e-12


def test_soft_threshold_closed_form():
    z = np.array([-3.0, -1.0, -0.2, 0.0, 0.7, 2.5])
    np.testing.assert_array_equal(reg.soft_threshold(z, 1.0), [-2.0, 0.0, 0.0, 0.0, 0.0, 1.5])
    rng = np.random.default_rng(0)
    z, t = rng.normal(size=1000), 0.4
    # S(z, t) = argmin_w 0.5 (w - z)² + t|w|: compare with a fine grid search on a few points
    grid = np.linspace(-4, 4, 80001)
    for zi in z[:20]:
        assert reg.soft_threshold(zi, t) == pytest.approx(grid[np.argmin(0.5 * (grid - zi) ** 2 + t * np.abs(grid))], abs=2e-4)
    s = reg.soft_threshold(z, t)
    assert np.all(s[np.abs(z) <= t] == 0.0)
    np.testing.assert_allclose(np.abs(s[np.abs(z) > t]), np.abs(z[np.abs(z) > t]) - t)


# --- ridge and lasso vs scikit-learn ---------------------------------------------------------------

@pytest.mark.parametrize("lam", [0.0, 0.01, 1.0, 100.0])
def test_ridge_matches_sklearn(diabetes, lam):
    X, y = diabetes
    ours = reg.ridge(X, y, lam)
    sk = Ridge(alpha=lam, fit_intercept=False, solver="svd").fit(X, y).coef_
    np.testing.assert_allclose(ours, sk, rtol=1e-9, atol=1e-8)
    # closed form / normal equations: (XᵀX + λI) w = Xᵀy
    np.testing.assert_allclose((X.T @ X + lam * np.eye(10)) @ ours, X.T @ y, atol=1e-8)


def test_ridge_wide_and_path_agree():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(8, 20)), rng.normal(size=8)
    for lam in (0.5, 3.0):
        np.testing.assert_allclose(reg.ridge(X, y, lam), Ridge(alpha=lam, fit_intercept=False).fit(X, y).coef_, atol=1e-10)
    lams = np.array([0.0, 0.5, 3.0])
    path = reg.ridge_path(X, y, lams)
    for k, lam in enumerate(lams):
        np.testing.assert_allclose(path[k], reg.ridge(X, y, lam), atol=1e-10)


@pytest.mark.parametrize("method, alpha", [(m, a) for m in ("cd", "ista", "fista") for a in DIABETES_ALPHAS
                                           if not (m == "ista" and a == 0.01)])   # ISTA at 0.01: ~1 s, slow
def test_lasso_matches_sklearn_on_diabetes(diabetes, method, alpha):
    X, y = diabetes
    sk = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=1_000_000).fit(X, y).coef_
    ours, info = reg.lasso(X, y, alpha, method=method, tol=1e-12, max_iter=1_000_000, return_info=True)
    assert info.converged
    np.testing.assert_allclose(ours, sk, rtol=0, atol=1e-6)
    assert np.array_equal(ours == 0, sk == 0)          # the same exact zeros
    assert reg.lasso_objective(X, y, ours, alpha) <= reg.lasso_objective(X, y, sk, alpha) + 1e-9


def test_lasso_uncentred_target_and_wide_design():
    X, y = reg.diabetes_data()[:2]
    y_raw = y + 152.0
    sk = Lasso(alpha=0.3, fit_intercept=False, tol=1e-12, max_iter=1_000_000).fit(X, y_raw).coef_
    np.testing.assert_allclose(reg.lasso(X, y_raw, 0.3, tol=1e-12), sk, atol=1e-6)
    rng = np.random.default_rng(2)
    Xw, yw = rng.normal(size=(30, 60)), rng.normal(size=30)         # n < d: residual-based solvers
    skw = Lasso(alpha=0.1, fit_intercept=False, tol=1e-12, max_iter=1_000_000).fit(Xw, yw).coef_
    for method in ("cd", "fista"):
        np.testing.assert_allclose(reg.lasso(Xw, yw, 0.1, method=method, tol=1e-12), skw, atol=1e-6)


@pytest.mark.parametrize("method", ["cd", "ista", "fista"])
def test_lasso_all_zero_exactly_at_alpha_max(diabetes, method):
    X, y = diabetes
    a_max = reg.alpha_max(X, y)
    assert a_max == pytest.approx(np.abs(X.T @ y).max() / len(y))
    for alpha in (a_max, 1.5 * a_max):
        assert np.all(reg.lasso(X, y, alpha, method=method) == 0.0)
    assert np.any(reg.lasso(X, y, 0.99 * a_max, method=method, tol=1e-10) != 0.0)


def test_lasso_orthonormal_design_is_soft_threshold_and_ridge_is_uniform_shrinkage():
    rng = np.random.default_rng(3)
    n, d = 50, 6
    Q, _ = np.linalg.qr(rng.normal(size=(n, d)))          # XᵀX = I
    y = rng.normal(size=n) * 2
    z = Q.T @ y
    alpha = 0.02
    # sklearn Lasso scaling (1/2n): threshold n*alpha on z = Xᵀy
    np.testing.assert_allclose(reg.lasso(Q, y, alpha, tol=1e-14), reg.soft_threshold(z, n * alpha), atol=1e-12)
    np.testing.assert_allclose(Lasso(alpha=alpha, fit_intercept=False, tol=1e-14).fit(Q, y).coef_,
                               reg.soft_threshold(z, n * alpha), atol=1e-10)
    np.testing.assert_allclose(reg.ridge(Q, y, 1.5), z / 2.5, atol=1e-12)


def test_duality_gap_bounds_suboptimality(diabetes):
    X, y = diabetes
    w_opt = reg.lasso(X, y, 0.2, tol=1e-14)
    p_opt = reg.lasso_objective(X, y, w_opt, 0.2)
    rng = np.random.default_rng(4)
    for _ in range(5):
        w = w_opt + rng.normal(scale=5, size=10)
        gap = reg.lasso_duality_gap(X, y, w, 0.2)
        assert gap >= reg.lasso_objective(X, y, w, 0.2) - p_opt - 1e-9
    assert reg.lasso_duality_gap(X, y, w_opt, 0.2) < 1e-8


def test_lasso_path_matches_sklearn_and_is_monotone_in_support():
    res = reg.compute_diabetes_paths()
    assert np.abs(res.lasso_coefs - res.sklearn_coefs).max() < 1e-6
    assert res.n_nonzero[0] == 0 and res.n_nonzero[-1] == 10
    assert 0 < res.cv_alpha < res.alpha_max
    assert np.all(np.isfinite(res.ridge_coefs)) and np.all(res.ridge_coefs != 0)


# --- 2-D geometry ----------------------------------------------------------------------------------

def _random_problems(n, seed=5):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        H = reg.correlation_hessian(rng.uniform(-0.9, 0.9), rng.uniform(0.3, 3.0))
        yield H, rng.uniform(-3, 3, 2), rng.uniform(0.05, 2.5)


def _brute_force_boundary_min(H, w_star, t, norm):
    th = np.linspace(0, 2 * np.pi, 200_001)
    u = np.stack([np.cos(th), np.sin(th)], 1)
    size = np.abs(u).sum(1) if norm == "l1" else np.ones(th.size)
    return reg.quadratic_loss(H, w_star, u * (t / size)[:, None]).min()


@pytest.mark.parametrize("norm", ["l1", "l2", "elasticnet"])
def test_constrained_optimum_satisfies_kkt_and_lies_on_boundary(norm):
    for H, w_star, t in _random_problems(60):
        sol = reg.constrained_least_squares(H, w_star, t, norm)
        size = {"l1": reg.lp_norm(w_star, 1), "l2": reg.lp_norm(w_star, 2),
                "elasticnet": reg.elastic_net_gauge(w_star)}[norm]
        tol = 1e-9 if norm != "elasticnet" else 1e-6
        assert reg.kkt_residual(H, w_star, sol, t, norm) < tol
        if size > t:
            assert sol.on_boundary
            g = {"l1": reg.lp_norm(sol.w, 1), "l2": reg.lp_norm(sol.w, 2), "elasticnet": reg.elastic_net_gauge(sol.w)}[norm]
            assert g == pytest.approx(t, rel=1e-12)
            assert sol.multiplier > 0
        else:
            np.testing.assert_array_equal(sol.w, w_star)
            assert sol.multiplier == 0


@pytest.mark.parametrize("norm", ["l1", "l2"])
def test_constrained_optimum_beats_a_dense_boundary_scan(norm):
    for H, w_star, t in _random_problems(15, seed=6):
        sol = reg.constrained_least_squares(H, w_star, t, norm)
        if sol.on_boundary:
            assert sol.loss <= _brute_force_boundary_min(H, w_star, t, norm) + 1e-12


def test_l2_secular_equation_solution():
    H = np.array([[2.0, 0.6], [0.6, 0.5]])
    w_star = np.array([2.0, -1.5])
    sol = reg.constrained_least_squares(H, w_star, 1.0, "l2")
    mu = sol.multiplier
    np.testing.assert_allclose((H + mu * np.eye(2)) @ sol.w, H @ w_star, atol=1e-12)
    assert np.linalg.norm(sol.w) == pytest.approx(1.0, abs=1e-14)
    assert np.all(sol.w != 0)            # L2 never gives an exact zero here


def test_l1_optimum_exactly_sparse_in_corner_case():
    # isotropic loss, w* = (2, 0.5), t = 1: the projection onto the diamond is the corner (1, 0)
    sol = reg.constrained_least_squares(np.eye(2), [2.0, 0.5], 1.0, "l1")
    np.testing.assert_array_equal(sol.w, [1.0, 0.0])
    assert sol.kind == "corner" and sol.multiplier == pytest.approx(2.0)
    # correlated features, a whole range of budgets: w2 stays exactly 0 ...
    H = reg.correlation_hessian(0.5)
    # (KKT at the corner (t, 0): -grad f = 2H(w* - (t, 0)) = (4.6 - 2t, 3.2 - t), a corner iff t <= 1.4)
    for t in np.linspace(0.1, 1.4, 14):
        w = reg.constrained_least_squares(H, [2.0, 0.6], t, "l1").w
        assert w[1] == 0.0 and w[0] == t
        # ... while the L2 optimum is never exactly zero
        assert np.all(reg.constrained_least_squares(H, [2.0, 0.6], t, "l2").w != 0.0)
    for t in (1.5, 1.8, 2.3):                          # past t = 1.4 both coordinates are non-zero
        assert np.all(reg.constrained_least_squares(H, [2.0, 0.6], t, "l1").w > 0)


@pytest.mark.parametrize("norm", ["l1", "l2", "elasticnet"])
def test_penalty_budget_round_trip(norm):
    for H, w_star, t in _random_problems(12, seed=7):
        size = {"l1": reg.lp_norm(w_star, 1), "l2": reg.lp_norm(w_star, 2), "elasticnet": reg.elastic_net_gauge(w_star)}[norm]
        t = min(t, 0.9 * size)
        lam = reg.budget_to_penalty(H, w_star, t, norm)
        assert lam > 0
        assert reg.penalty_to_budget(H, w_star, lam, norm) == pytest.approx(t, rel=1e-6, abs=1e-9)
        w_pen = reg.penalized_least_squares(H, w_star, lam, norm)
        np.testing.assert_allclose(w_pen, reg.constrained_least_squares(H, w_star, t, norm).w, atol=1e-6)
    # lam = 0 gives the full budget ||w*||; L2 at t = 0 needs an infinite penalty
    assert reg.penalty_to_budget(np.eye(2), [1.0, 2.0], 0.0, "l2") == pytest.approx(math.sqrt(5))
    assert reg.budget_to_penalty(np.eye(2), [1.0, 2.0], 0.0, "l2") == math.inf


def test_l1_penalised_closed_form_and_lambda_max():
    H, w_star = np.eye(2), np.array([2.0, -0.5])
    # H = I: penalised L1 = soft threshold of w* at lam/2
    for lam in (0.3, 1.2, 5.0):
        np.testing.assert_allclose(reg.penalized_least_squares(H, w_star, lam, "l1"), reg.soft_threshold(w_star, lam / 2))
    H = reg.correlation_hessian(0.7)
    lam_max = np.abs(2 * H @ w_star).max()
    assert np.all(reg.penalized_least_squares(H, w_star, lam_max, "l1") == 0)
    assert reg.budget_to_penalty(H, w_star, 0.0, "l1") == pytest.approx(lam_max)


def test_descent_paths_converge_and_ista_is_exactly_sparse():
    H, w_star = reg.correlation_hessian(0.5), np.array([2.0, 0.6])
    lam = 2.5                                        # w2 = 0 exactly for lam in [1.8, 4.6]
    ista = reg.descent_path(H, w_star, lam, method="ista", n_steps=200, w0=(-2.5, 2.5))
    np.testing.assert_allclose(ista[-1], reg.penalized_least_squares(H, w_star, lam, "l1"), atol=1e-10)
    assert ista[-1][1] == 0.0
    gd = reg.descent_path(H, w_star, lam, method="gd", n_steps=300)
    np.testing.assert_allclose(gd[-1], reg.penalized_least_squares(H, w_star, lam, "l2"), atol=1e-10)
    sub = reg.descent_path(H, w_star, lam, method="subgradient", n_steps=200, w0=(-2.5, 2.5))
    assert np.all(sub[-20:, 1] != 0.0)            # zig-zags around 0, never lands on it


def test_posterior_map_closed_forms():
    res = reg.compute_posterior_1d(1.3, "gaussian", scale=1.5, noise_sd=1.0)
    assert res.grid[np.argmax(res.posterior)] == pytest.approx(res.map_estimate, abs=0.01)
    assert res.map_estimate == pytest.approx(1.3 * 2.25 / 3.25)
    lap = reg.compute_posterior_1d(0.7, "laplace", scale=1.0, noise_sd=1.0)
    assert lap.map_estimate == 0.0 and lap.posterior_mean > 0.05          # MAP sparse, mean is not
    lap2 = reg.compute_posterior_1d(2.5, "laplace", scale=1.0, noise_sd=1.0)
    assert lap2.grid[np.argmax(lap2.posterior)] == pytest.approx(1.5, abs=0.01)
    w = np.linspace(-30, 30, 600001)
    for pdf in (reg.gaussian_prior_pdf(w, 1.3), reg.laplace_prior_pdf(w, 0.8)):
        assert pdf.sum() * (w[1] - w[0]) == pytest.approx(1.0, abs=1e-6)


def test_polynomial_overfitting_numbers():
    deg, train, test = reg.degree_curve()
    assert np.all(np.diff(train) <= 1e-12)                 # nested models: train error never increases
    assert train[14] < 1e-10 and test[14] > 1e3 * test[3]  # interpolation: zero train error, huge test error
    small = reg.compute_polynomial_fit(14, 1e-3)
    assert np.abs(small.coef).max() < 1e-2 * np.abs(reg.compute_polynomial_fit(14).coef).max()
    assert small.test_mse < 0.2


# --- errors ----------------------------------------------------------------------------------------

def test_error_messages():
    H, ws = np.eye(2), np.array([1.0, 1.0])
    with pytest.raises(ValueError, match="p must be > 0"):
        reg.lp_norm([1.0, 2.0], 0)
    with pytest.raises(ValueError, match="p must be > 0"):
        reg.lp_norm([1.0, 2.0], -1)
    with pytest.raises(ValueError, match="threshold t must be >= 0"):
        reg.soft_threshold([1.0], -0.1)
    with pytest.raises(ValueError, match="lam .* must be a finite number >= 0"):
        reg.ridge(np.eye(3), np.ones(3), -1.0)
    with pytest.raises(ValueError, match="X has 3 rows but y has 4"):
        reg.ridge(np.eye(3), np.ones(4), 1.0)
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        reg.lasso(np.eye(3), np.ones(3), -0.5)
    with pytest.raises(ValueError, match="method must be one of"):
        reg.lasso(np.eye(3), np.ones(3), 0.5, method="newton")
    with pytest.raises(ValueError, match="tol must be"):
        reg.lasso(np.eye(3), np.ones(3), 0.5, tol=0)
    with pytest.raises(ValueError, match="budget t must be a finite number >= 0"):
        reg.constrained_least_squares(H, ws, -1.0, "l1")
    with pytest.raises(ValueError, match="positive definite"):
        reg.constrained_least_squares(np.array([[1.0, 2.0], [2.0, 1.0]]), ws, 1.0, "l2")
    with pytest.raises(ValueError, match="symmetric"):
        reg.constrained_least_squares(np.array([[1.0, 0.5], [0.0, 1.0]]), ws, 1.0, "l2")
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        reg.constrained_least_squares(np.eye(3), ws, 1.0, "l2")
    with pytest.raises(ValueError, match=r"w_star must have shape \(2,\)"):
        reg.constrained_least_squares(H, [1.0, 2.0, 3.0], 1.0, "l2")
    with pytest.raises(ValueError, match="norm must be one of"):
        reg.constrained_least_squares(H, ws, 1.0, "l3")
    with pytest.raises(ValueError, match="penalty lam must be a finite number >= 0"):
        reg.penalty_to_budget(H, ws, -2.0, "l1")
    with pytest.raises(ValueError, match="NaN or infinite"):
        reg.ridge(np.array([[np.nan]]), np.ones(1), 1.0)
    with pytest.raises(ValueError, match="strictly between -1 and 1"):
        reg.correlation_hessian(1.0)
    with pytest.raises(ValueError, match="l1_ratio must lie in"):
        reg.constrained_least_squares(H, ws, 1.0, "elasticnet", l1_ratio=1.5)
    with pytest.raises(ValueError, match="prior must be"):
        reg.compute_posterior_1d(0.5, "cauchy")


def test_loss_level_curve_is_the_exact_contour():
    rng = np.random.default_rng(3)
    for _ in range(5):
        B = rng.normal(size=(2, 2))
        H = B @ B.T + 0.1 * np.eye(2)
        w_star = rng.normal(size=2)
        level = float(rng.uniform(0.01, 5))
        curve = reg.loss_level_curve(H, w_star, level, n=181)
        assert curve.shape == (181, 2)
        np.testing.assert_allclose(reg.quadratic_loss(H, w_star, curve), level, rtol=1e-12)
        np.testing.assert_allclose(curve[0], curve[-1], atol=1e-12)          # closed
        np.testing.assert_allclose(curve[:-1].mean(axis=0), w_star, atol=1e-12)  # centred on w*
    np.testing.assert_allclose(reg.loss_level_curve(np.eye(2), [0, 0], 0.0), 0.0)   # level 0: the point w*
    with pytest.raises(ValueError, match="positive definite"):
        reg.loss_level_curve([[1.0, 2.0], [2.0, 1.0]], [0, 0], 1.0)
    with pytest.raises(ValueError, match=">= 0"):
        reg.loss_level_curve(np.eye(2), [0, 0], -1.0)
    with pytest.raises(ValueError, match="symmetric 2x2"):
        reg.loss_level_curve(np.eye(3), [0, 0], 1.0)


# --- reproducible decisions (BLAS rounding must not flip a printed result) ---------------------------

@pytest.mark.parametrize("method", ["cd", "ista", "fista"])
def test_lasso_exact_zero_at_alpha_max_even_when_n_times_alpha_rounds_below(method):
    # (a/n)·n can come out 1 ulp below a; the solvers compare |x_jᵀy| with n·alpha, so without the
    # exact KKT check at alpha_max a 1e-16 coefficient would survive. Find data where this happens.
    rng = np.random.default_rng(0)
    for _ in range(200):
        X = rng.standard_normal((7, 3))
        y = rng.standard_normal(7)
        q = np.abs(X.T @ y).max()
        if 7 * (q / 7) < q:
            break
    else:  # pragma: no cover
        pytest.fail("no example found")
    a_max = reg.alpha_max(X, y)
    assert X.shape[0] * a_max < np.abs(X.T @ y).max()
    w, info = reg.lasso(X, y, a_max, method=method, return_info=True)
    assert np.all(w == 0.0) and info.converged and info.gap == pytest.approx(0.0, abs=1e-12)
    assert np.any(reg.lasso(X, y, 0.99 * a_max, method=method, tol=1e-10) != 0.0)


def test_l1_corner_at_the_kink_is_exact_whatever_the_rounding():
    # w* = (2, 0.6), rho = 0.5: the corner (t, 0) is optimal iff t <= 1.4, where the KKT test is a tie.
    H = reg.correlation_hessian(0.5)
    for t in (1.4, 14 * 0.1, 0.7 / 0.5, np.round(np.arange(0.1, 2.01, 0.1), 1)[13], np.nextafter(1.4, 2.0)):
        for w_star in ([2.0, 0.6], [np.nextafter(2.0, 3.0), 0.6], [2.0, np.nextafter(0.6, 0.0)]):
            sol = reg.constrained_least_squares(H, w_star, t, "l1")
            assert sol.w[1] == 0.0 and sol.w[0] == t and sol.kind == "corner"
    # just past the kink the optimum leaves the corner, continuously (w2 ≈ (t - 1.4) / 3 on the edge)
    sol = reg.constrained_least_squares(H, [2.0, 0.6], 1.4 + 1e-6, "l1")
    assert 0 < sol.w[1] < 1e-6 and sol.kind == "smooth"


def test_polynomial_fit_condition_number_and_stable_digits():
    x_tr, y_tr, x_te, _ = reg.polynomial_data()
    for degree in (3, 14):
        fit = reg.compute_polynomial_fit(degree)
        Phi = np.vander(x_tr, degree + 1, increasing=True)
        s = np.linalg.svd(Phi, compute_uv=False)
        assert fit.condition_number == pytest.approx(s[0] / s[-1], rel=1e-6)
    fit = reg.compute_polynomial_fit(14)
    assert 1e9 < fit.condition_number < 1e10
    # an LU solve of the square system agrees with lstsq to ~cond·eps: 3 printed digits are stable
    coef_lu = np.linalg.solve(np.vander(x_tr, 15, increasing=True), y_tr)
    rel = np.abs(coef_lu - fit.coef).max() / np.abs(fit.coef).max()
    assert rel < 10 * fit.condition_number * np.finfo(float).eps < 1e-4
    ridge_fit = reg.compute_polynomial_fit(14, lam=1e-3)
    assert ridge_fit.condition_number < 1e-4 * fit.condition_number  # the penalty also cures the conditioning
