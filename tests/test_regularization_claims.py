"""Lecture 2, second edition: the prose's computed claims, each test quoting its sentence."""
import numpy as np

from course_utils import regularization as reg


def test_ridge_path_crosses_zero_but_only_the_norm_is_monotone():
    """"No coefficient is exactly 0 on any interval of λ, but several change sign (and so pass through 0 at
    one λ), and most |w_j| are not monotone in λ: only ‖w‖₂ shrinks monotonically." """
    facts = reg.ridge_path_facts()
    assert sum(v > 0 for v in facts["sign_changes"].values()) >= 5
    assert len(facts["not_monotone"]) == 8 and facts["norm_decreasing"] and facts["min_abs"] > 0
    # ‖w(λ)‖₂ decreases for every λ (eigen-decomposition: each component is s_i/(s_i² + λ) times a constant)
    X, y, _ = reg.diabetes_data()
    lams = np.logspace(-6, 4, 400)
    norms = np.linalg.norm(reg.ridge_path(X, y, lams), axis=1)
    assert np.all(np.diff(norms) < 0)


def test_lasso_support_is_not_monotone_s3_leaves_and_reenters():
    """"s3 *leaves* the active set again and re-enters (the 10 → 9 → 10 dip on the right)." """
    ev = [(a, what) for a, name, what in reg.lasso_support_events() if name == "s3"]
    assert [w for _, w in ev] == ["enters", "leaves", "enters"]
    assert 0.004 < ev[1][0] < 0.0045
    X, y, _ = reg.diabetes_data()
    w = reg.lasso(X, y, 0.0035, tol=1e-12)                  # inside the dip, a fresh solve
    assert w[6] == 0.0 and np.sum(w != 0) == 9


def test_diabetes_columns_have_unit_norm_and_raw_units_change_the_lasso_choice():
    """"The columns are centred with unit Euclidean norm, so their standard deviation is 1/√442 and H = XᵀX/n
    has diagonal 1/442" and "In raw units sex … and s5 … drop out, while s2 enters" """
    X, y, _ = reg.diabetes_data()
    np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1 / np.sqrt(442), rtol=1e-12)
    eff = reg.compute_scaling_effect(0.05)
    assert eff.scaled_support == eff.std_support
    assert {"sex", "s5"} <= set(eff.scaled_support) - set(eff.raw_support)
    assert set(eff.raw_support) - set(eff.scaled_support) == {"s2"}
    from sklearn.datasets import load_diabetes

    raw_std = load_diabetes(scaled=False).data.std(axis=0)     # "sex (coded 1/2) and s5 (…: a small range)"
    assert set(np.argsort(raw_std)[:2]) == {1, 8}


def test_cv_spread_one_se_rule_and_the_fragile_subset():
    """"The one-SE rule takes the largest α whose mean CV error is within one standard error of the best, a
    sparser model" and "the best 7-feature model on the grid is within 1 % of the best CV error." """
    cv = reg.compute_cv_spread()
    b = int(np.argmin(cv.mean))
    assert cv.one_se_alpha > cv.best_alpha and cv.one_se_nnz < cv.best_nnz
    assert cv.mean[cv.alphas == cv.one_se_alpha][0] <= cv.mean[b] + cv.se[b]
    assert np.all(cv.mean[cv.alphas > cv.one_se_alpha] > cv.mean[b] + cv.se[b])
    assert 0 <= cv.seven_gap < 0.01
    assert cv.baseline_mse > 1.5 * cv.mean[b]
    res = reg.compute_diabetes_paths()
    assert abs(res.cv_alpha - cv.best_alpha) < 1e-12            # the same folds as LassoCV in the path figure


def test_u_curve_test_error_is_lowest_in_between():
    """"The test error is lowest in between." (degree 14: small λ overfits, large λ is biased)"""
    lams, train, test, cv_lam = reg.ridge_u_curve(14)
    k = int(np.argmin(test))
    assert 0 < k < len(lams) - 1 and test[0] > 10 * test[k] and test[-1] > 5 * test[k]
    assert np.all(np.diff(train) >= -1e-9)                      # the training error only grows with λ
    at_cv = test[lams == cv_lam][0]
    assert at_cv < 1.1 * test[k]


def test_one_polynomial_two_bases():
    """"the same polynomial has very different coefficients in two bases" """
    mono, leg, diff = reg.basis_coefficients(9)
    assert diff < 1e-9 and np.abs(mono).max() > 30 * np.abs(leg).max()


def test_early_stopping_filter_and_ridge_filter():
    """"w_k = (1 − (1 − 2ηh)^k) w* … while ridge gives w_λ = h/(h + λ) w*" along an eigenvector of H."""
    H = reg.correlation_hessian(0.6)
    h, Q = np.linalg.eigh(H)
    w_star = Q @ np.array([1.5, -0.7])
    eta = 1.0 / reg.lipschitz_constant(H, 0.0, "gd")
    path = reg.trajectory(H, w_star, 0.0, method="gd", w0=(0.0, 0.0), n_steps=12)
    for k in (1, 5, 12):
        np.testing.assert_allclose(Q.T @ path[k], (1 - (1 - 2 * eta * h) ** k) * (Q.T @ w_star), atol=1e-12)
    lam = 0.3          # penalty λ‖w‖² on (w - w*)ᵀH(w - w*): stationarity H(w - w*) + λ w = 0
    w_ridge = reg.penalized_least_squares(H, w_star, lam, "l2")
    np.testing.assert_allclose(Q.T @ w_ridge, h / (h + lam) * (Q.T @ w_star), atol=1e-10)


def test_laplace_posterior_mean_is_zero_only_at_zero():
    """"the posterior mean is non-zero for every z ≠ 0 (it is 0 only at z = 0, by symmetry)" """
    assert abs(reg.compute_posterior_1d(0.0, "laplace").posterior_mean) < 1e-12
    for z in np.linspace(-3, 3, 25):
        if z != 0:
            m = reg.compute_posterior_1d(float(z), "laplace").posterior_mean
            assert np.sign(m) == np.sign(z) and abs(m) > 1e-3


def test_l2_optimum_has_no_zero_unless_the_loss_gradient_vanishes_there():
    """"At w_j = 0 the L2 penalty's gradient is 0: it cannot balance a non-zero loss gradient there" """
    rng = np.random.default_rng(1)
    for _ in range(50):
        H = reg.scaled_hessian(float(rng.uniform(-0.9, 0.9)), float(rng.uniform(0.5, 2)))
        w_star = rng.normal(size=2) * 2
        for lam in (0.1, 1.0, 10.0):
            w = reg.penalized_least_squares(H, w_star, lam, "l2")
            assert np.all(w != 0)
            np.testing.assert_allclose(2 * H @ (w - w_star) + 2 * lam * w, 0, atol=1e-9)
