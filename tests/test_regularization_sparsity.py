"""Lecture 2: the sparsity map (corner wedges of the L1 ball) against two solvers, FISTA and the cached contours."""
import numpy as np
import pytest

from course_utils import regularization as reg


@pytest.mark.parametrize("corr, scale2, t", [(0.5, 1.0, 1.0), (-0.7, 1.0, 0.6), (0.8, 2.0, 1.0), (0.3, 0.5, 1.5)])
def test_sparsity_map_agrees_with_projected_gradient_on_a_grid(corr, scale2, t):
    """"every w* in a shaded wedge has its optimum on a corner: one coordinate exactly 0" — and every
    unshaded w* has none: checked on a grid of w* against scipy-free projected gradient and against
    the exact solver, away from the wedges' boundaries (margin 1e-3 in the KKT test)."""
    H = reg.scaled_hessian(corr, scale2)
    g1 = np.linspace(-3.3, 3.3, 30)        # even: no w* with a zero coordinate
    pts = np.stack(np.meshgrid(g1, g1), -1).reshape(-1, 2)
    inside = np.array([reg.corner_of(H, p, t, margin=1e-3) >= 0 for p in pts])
    outside = np.array([reg.corner_of(H, p, t, margin=-1e-3) < 0 for p in pts])
    assert not np.any(inside & outside)
    assert np.array_equal(reg.sparse_mask(H, t, pts[inside | outside]), inside[inside | outside])
    pg = reg.projected_gradient_l1(H, pts, t, n_iter=5000)
    smallest = np.abs(pg).min(axis=1)
    assert np.all(smallest[inside] < 1e-9)
    assert np.all(smallest[outside] > 1e-6)
    for p, w in zip(pts[::7], pg[::7]):               # and the exact solver agrees with projected gradient
        np.testing.assert_allclose(reg.constrained_least_squares(H, p, t, "l1").w, w, atol=1e-7)
    assert inside.sum() > 100 and outside.sum() > 100


def test_sparse_mask_matches_corner_of_and_the_polygons():
    H = reg.scaled_hessian(0.6, 1.7)
    from matplotlib.path import Path

    pts = np.random.default_rng(3).uniform(-3.4, 3.4, (400, 2))
    mask = reg.sparse_mask(H, 1.2, pts)
    kinds = np.array([reg.corner_of(H, p, 1.2) >= 0 for p in pts])
    np.testing.assert_array_equal(mask, kinds)
    in_poly = np.zeros(len(pts), dtype=bool)
    for tri in reg.corner_region_polygons(H, 1.2):
        in_poly |= Path(tri).contains_points(pts)
    assert np.mean(in_poly == mask) > 0.995          # the polygons are the wedges (edge points aside)
    for corr, s2 in ((0.9, 2.0), (-0.9, 0.4), (0.0, 1.0)):    # also wide wedges (opening near 180°)
        H2 = reg.scaled_hessian(corr, s2)
        in_poly = np.zeros(len(pts), dtype=bool)
        for poly in reg.corner_region_polygons(H2, 1.0):
            in_poly |= Path(poly).contains_points(pts)
        assert np.mean(in_poly == reg.sparse_mask(H2, 1.0, pts)) > 0.995


def test_equal_scales_make_the_map_independent_of_the_correlation():
    """"With two standardised features the map does not depend on the correlation: H's eigenvectors
    (1, 1) and (1, -1) are the diamond's normals, so the wedges are |w*₁| - |w*₂| >= t and back" """
    g = np.stack(np.meshgrid(np.linspace(-3.5, 3.5, 81), np.linspace(-3.5, 3.5, 81)), -1)
    ref = np.abs(np.abs(g[..., 0]) - np.abs(g[..., 1])) >= 1.0
    for corr in (-0.9, 0.0, 0.5, 0.9):
        np.testing.assert_array_equal(reg.sparse_mask(reg.scaled_hessian(corr, 1.0), 1.0, g), ref)
    a = reg.compute_sparsity_map(1.0, 0.9, 2.0).fraction
    b = reg.compute_sparsity_map(1.0, 0.0, 2.0).fraction
    assert abs(a - b) > 0.02                     # with unequal scales the correlation matters


def test_shaded_share_shrinks_as_the_budget_grows():
    fr = [reg.compute_sparsity_map(t, 0.5, 1.0).fraction for t in (0.0, 0.5, 1.0, 2.0, 3.0)]
    assert fr[0] == 1.0 and all(a > b for a, b in zip(fr, fr[1:]))


def test_project_l1_ball_is_the_euclidean_projection():
    rng = np.random.default_rng(0)
    for _ in range(50):
        v = rng.normal(size=2) * 3
        p = reg.project_l1_ball(v, 1.0)
        assert np.abs(p).sum() <= 1.0 + 1e-12
        np.testing.assert_allclose(p, reg.constrained_least_squares(np.eye(2), v, 1.0, "l1").w, atol=1e-12)


def test_fista_and_ista_reach_the_penalised_optimum_and_gd_is_weight_decay():
    H, w_star = reg.correlation_hessian(0.5), np.array([2.0, 0.6])
    w_opt = reg.penalized_least_squares(H, w_star, 2.5, "l1")
    ista = reg.trajectory(H, w_star, 2.5, method="ista", w0=(-2.5, 2.5), n_steps=200)
    fista = reg.trajectory(H, w_star, 2.5, method="fista", w0=(-2.5, 2.5), n_steps=200)
    np.testing.assert_allclose(ista[-1], w_opt, atol=1e-10)
    np.testing.assert_allclose(fista[-1], w_opt, atol=1e-8)
    # gradient descent on f + λ||w||² is the weight-decay update w <- (1 - 2ηλ) w - η ∇f(w)
    lam, sf = 0.7, 0.9
    path = reg.trajectory(H, w_star, lam, method="gd", w0=(1.0, -1.0), step_factor=sf, n_steps=5)
    eta = sf / reg.lipschitz_constant(H, lam, "gd")
    w = np.array([1.0, -1.0])
    for k in range(1, 6):
        w = (1 - 2 * eta * lam) * w - eta * 2 * H @ (w - w_star)
        np.testing.assert_allclose(path[k], w, atol=1e-13)
    # step >= 2/L: gradient descent diverges (and the path stays finite for drawing)
    far = reg.trajectory(H, w_star, lam, method="gd", w0=(1.0, -1.0), step_factor=2.2, n_steps=100)
    assert np.all(np.isfinite(far)) and np.abs(far[-1]).max() > 100


def test_cached_level_segments_lie_on_their_levels():
    view = reg.compute_constrained_view(1.0, 2.0, 0.6, 0.5, "l1")
    segs = reg.loss_segments(0.5, 2.0, 0.6, 1.0)
    levels = set()
    for s in segs:
        vals = reg.quadratic_loss(view.H, view.w_star, s)
        assert np.ptp(vals) < 0.05 * max(1.0, vals.mean())
        levels.add(round(float(vals.mean()), 1))
    assert len(levels) >= 8
