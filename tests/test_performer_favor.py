"""Lecture 1, second edition: the claims of sections 4–7 (FAVOR+ against baselines, kinds vs sharpness,
blockwise FAVOR+, QR-sign bias at d = 64, illustrations)."""
import math

import numpy as np
import pytest

import course_utils.performer as P
from course_utils.performer.attention import _favor_from_features


# ----------------------------------------------------------------------------- blockwise FAVOR+ = the textbook formula
@pytest.mark.parametrize("kind", P.FAVOR_KINDS)
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("block, chunk", [(1024, 128), (7, 3), (16, 64), (1, 1), (64, 16)])
def test_blockwise_favor_equals_plain_features_formula(kind, causal, block, chunk):
    """FAVOR+ in row blocks (running key constant, chunked prefix sums) gives D⁻¹Q′(K′ᵀV) of favor_features."""
    rng = np.random.default_rng(0)
    L, d, dv, m = 203, 8, 5, 12
    Q, K = (rng.standard_normal((L, d)) for _ in range(2))
    V = rng.standard_normal((L, dv))
    omega = rng.standard_normal((m, d))
    Qp, Kp = P.favor_features(Q, K, omega, kind)
    ref = _favor_from_features(Qp, Kp, V, causal, 1000)
    got = P.favor_attention(Q, K, V, omega=omega, kind=kind, causal=causal, block_rows=block, chunk_size=chunk)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)


def test_blockwise_favor_with_two_threads_equals_one_thread():
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(1)
    Q, K, V = (0.5 * rng.standard_normal((3000, 16)) for _ in range(3))
    omega = P.gaussian_random_matrix(32, 16, orthogonal=True, rng=rng)
    for causal in (False, True):
        with threadpool_limits(limits=1):
            a = P.favor_attention(Q, K, V, omega=omega, causal=causal, block_rows=512)
        with threadpool_limits(limits=2):
            b = P.favor_attention(Q, K, V, omega=omega, causal=causal, block_rows=512)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("workers", [2, 3, 5])
@pytest.mark.parametrize("kind", P.FAVOR_KINDS)
def test_causal_groups_walked_apart_and_joined_give_the_textbook_formula(monkeypatch, kind, workers):
    """Causal FAVOR+ on n workers: each group of blocks starts from a zero prefix state and later adds
    Q′·(the earlier groups' state) to numerator and denominator; the result is the one-pass prefix sum."""
    import course_utils.performer.blockwise as B

    monkeypatch.setattr(B, "_blas_threads", lambda: workers)
    rng = np.random.default_rng(3)
    L, d, dv, m = 257, 8, 5, 12
    Q, K = (rng.standard_normal((L, d)) for _ in range(2))
    K[150:] *= 3.0  # later blocks on a larger scale than the first group's
    V = rng.standard_normal((L, dv))
    omega = rng.standard_normal((m, d))
    Qp, Kp = P.favor_features(Q, K, omega, kind)
    ref = _favor_from_features(Qp, Kp, V, True, 1000)
    got = P.favor_attention(Q, K, V, omega=omega, kind=kind, causal=True, block_rows=40, chunk_size=16)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)


def test_key_blocks_on_very_different_scales_are_combined_exactly():
    """The running key constant: a block whose logits are far larger than the earlier ones rescales the sums."""
    rng = np.random.default_rng(2)
    L, d = 300, 8
    Q = rng.standard_normal((L, d))
    K = rng.standard_normal((L, d))
    K[200:] *= 6.0  # the last block's exponents dwarf the first ones
    V = rng.standard_normal((L, 3))
    omega = rng.standard_normal((16, d))
    Qp, Kp = P.favor_features(Q, K, omega)
    for causal in (False, True):
        ref = _favor_from_features(Qp, Kp, V, causal, 1000)
        got = P.favor_attention(Q, K, V, omega=omega, causal=causal, block_rows=100, chunk_size=20)
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)


def test_float32_costs_about_1e_6_relative_accuracy():
    """float32 inputs: relative rounding errors near 1e-6 against the float64 FAVOR+ (same features)."""
    rng = np.random.default_rng(3)
    Q, K, V = (0.5 * rng.standard_normal((2048, 64)) for _ in range(3))
    omega = P.gaussian_random_matrix(256, 64, orthogonal=True, rng=rng)
    f64 = P.favor_attention(Q, K, V, omega=omega)
    f32 = P.favor_attention(*(a.astype(np.float32) for a in (Q, K, V)), omega=omega)
    assert f32.dtype == np.float32
    assert 1e-8 < P.relative_error(f32, f64) < 1e-5


# ----------------------------------------------------------------------------- section 6: inputs and baselines
def test_independent_qkv_are_three_different_matrices_from_one_generator():
    """Q, K, V: three independent matrices (one generator drawn in turn), not Q = K = V."""
    Q, K, V = P.independent_qkv(512, 16, scale=0.5, seed=4)
    assert not (np.allclose(Q, K) or np.allclose(K, V) or np.allclose(Q, V))
    rng = np.random.default_rng(4)
    np.testing.assert_array_equal(Q, 0.5 * rng.standard_normal((512, 16)))
    np.testing.assert_array_equal(K, 0.5 * rng.standard_normal((512, 16)))
    # the first edition's bug: three generators with the same seed give the same matrix three times
    same = [0.5 * np.random.default_rng(4).standard_normal((512, 16)) for _ in range(3)]
    assert np.array_equal(same[0], same[1])


def test_mean_value_baseline_is_uniform_attention():
    V = np.random.default_rng(0).standard_normal((7, 3))
    zeros = np.zeros((7, 2))
    np.testing.assert_allclose(P.mean_value_baseline(V), P.exact_attention(zeros, zeros, V))
    np.testing.assert_allclose(P.mean_value_baseline(V, causal=True), P.exact_attention(zeros, zeros, V, causal=True))


def test_favor_table_baseline_claims():
    """'With nearly uniform attention FAVOR+ needs many features just to beat "predict the mean"'."""
    t = P.compute_favor_table((16, 64, 256, 1024), L=512, d=16, scale=0.5, n_draws=5, seed=4)
    assert t.logit_std == pytest.approx(0.25, abs=0.01)
    for causal in (False, True):
        assert t.errors[causal][0] > t.baseline[causal]   # m = 16: worse than the mean of V
        assert t.errors[causal][-1] < t.baseline[causal]  # m = 1024: better
    assert t.row_max_median < 3 / 512  # nearly uniform


def test_stabilisation_prevents_underflow_not_variance():
    """'Stabilisation prevents the underflow to 0/0, not variance: the output is finite but wrong (worse than the mean
    of V).' and 'The exponent is at most ‖ω‖²/2, so positive features hardly ever overflow; what fails is underflow'."""
    c = P.compute_large_logit_check(L=64, d=16, m=32, logit=2000.0, seed=6)
    assert c.underflowed_rows == 64 and c.all_finite
    assert c.relative_error > c.baseline_error
    assert c.argmax_agreement < 0.5
    # ωᵀx − ‖x‖²/2 ≤ ‖ω‖²/2 for every x (complete the square)
    rng = np.random.default_rng(0)
    omega, X = rng.standard_normal((64, 16)), 50 * rng.standard_normal((200, 16))
    expo = X @ omega.T - 0.5 * np.sum(X * X, axis=1, keepdims=True)
    assert np.all(expo <= 0.5 * np.sum(omega * omega, axis=1)[None, :] + 1e-9)


def test_when_each_kind_wins():
    """'Small logits: the trigonometric estimator wins. Large logits: trigonometric features produce many negative
    weights and errors far above the mean-of-V baseline. Positive features do better than that baseline'."""
    k = P.compute_kind_comparison((0.25, 0.5, 0.7, 1.0, 1.5, 2.0), m=64, n_seeds=9)
    low, high = k.sharpness <= 0.7, k.sharpness >= 1.5
    assert np.all(k.errors["trig"][low] < k.errors["positive"][low])
    assert np.all(k.errors["positive"][high] < k.errors["trig"][high])
    assert np.all(k.errors["trig"][high] > 3 * k.baseline[high])
    assert np.all(k.errors["positive"][high] < k.baseline[high])
    assert np.all(k.negative_share[high] > 0.2) and np.all(k.negative_share[k.sharpness <= 0.5] == 0)
    assert np.all(np.diff(k.row_max) > 0)  # sharper: more peaked attention
    assert k.row_max[2] < 3 / 32  # default sharpness 0.7: weak band, row max a few times 1/L


def test_causal_demo_trig_beats_positive_from_m16():
    """'At this low sharpness trigonometric features beat positive ones from m = 16 on'."""
    trig = P.compute_favor_error_curve("trig", True, True, m_values=(4, 16, 64, 256), n_seeds=25)
    pos = P.compute_favor_error_curve("positive", True, True, m_values=(4, 16, 64, 256), n_seeds=25)
    assert np.all(trig.errors[1:] < pos.errors[1:])


@pytest.mark.parametrize("sharpness", [0.7, 1.5])
def test_relu_features_level_off(sharpness):
    """'ReLU features improve at first and then level off: they converge to their own kernel, not to softmax' —
    their error against softmax does not go to 0 as m grows (an unbiased estimator would halve from m = 1024 to 4096)."""
    relu = P.compute_favor_error_curve("relu", True, True, m_values=(4, 64, 1024, 4096), n_seeds=9, sharpness=sharpness)
    assert relu.errors[1] < relu.errors[0]
    assert relu.errors[-1] > 0.8 * relu.errors[-2]


def test_error_vs_m_at_d64_does_not_beat_the_baseline_at_d_ln_d():
    """'even m = d ln d does not beat the mean of V' (d = 64, logit std about 0.25); the error falls with m."""
    r = P.compute_error_vs_m((16, 32, 64, 128, 266, 512, 1024), L=256, d=64, scale=0.25, n_draws=4)
    assert int(64 * math.log(64)) == 266
    assert r.errors[list(r.m_values).index(266)] > r.baseline
    slope = np.polyfit(np.log(r.m_values), np.log(r.errors), 1)[0]
    assert -0.65 < slope < -0.35


# ----------------------------------------------------------------------------- section 5
def test_qr_sign_bias_is_about_one_per_cent_at_d64_m256():
    """'at d = 64, m = 256 one in 64, about a per cent (measured below)'; the sign fix removes it."""
    b = P.compute_qr_sign_bias(d=64, m=256, x_norm=0.5, n_trials=4000)
    assert -0.015 < b.relative_bias < -0.005
    assert abs(b.relative_bias) > 5 * b.relative_bias_stderr
    assert abs(b.mean_with_fix / b.true_value - 1) < 3 * b.stderr_with_fix / b.true_value


def test_orthogonal_gain_visible_at_m16_and_noise_at_m2():
    """'At m = 2 the guaranteed gain is far smaller than the noise ... At m = 16 ... many standard errors below Lemma 2.'"""
    g = P.compute_orthogonal_gain(n_trials=20000)
    gain2 = 1 - g.theorem2_bound[0] / g.lemma2[0]
    assert gain2 < 0.02 and gain2 * g.lemma2[0] < g.stderr_orthogonal[0]
    assert g.mse_orthogonal[-1] < g.lemma2[-1] - 5 * g.stderr_orthogonal[-1]
    assert g.mse_orthogonal[-1] < g.theorem2_bound[-1] + 2 * g.stderr_orthogonal[-1]


# ----------------------------------------------------------------------------- section 4
def test_trig_relative_rmse_exceeds_one_in_the_plotted_range():
    """'it exceeds 1 (relative RMSE over 100 %) in the plotted range'; positive vanishes towards y = −x."""
    c = P.compute_softmax_mse_curves(n_trials=2)
    lo = int(np.argmin(c.kernel_values))
    assert math.sqrt(c.theory["trig"][lo]) / c.kernel_values[lo] > 1
    assert math.sqrt(c.theory["positive"][lo]) / c.kernel_values[lo] < 0.1


def test_single_estimates_trig_negative_positive_never():
    """Trig single estimates are bounded and often negative at a small value; positive ones never negative, skewed."""
    h = P.compute_estimate_histograms(seed=2)
    small, large = h.cases
    assert np.mean(small.trig < 0) > 0.3 and np.all(small.positive > 0) and np.all(large.positive > 0)
    bound = math.e  # e^{(‖x‖²+‖y‖²)/2} with unit norms
    assert np.all(np.abs(small.trig) <= bound + 1e-12)
    assert large.positive_skewness > 5
    for case in h.cases:  # both unbiased
        for est in (case.trig, case.positive):
            assert abs(est.mean() - case.true_value) < 5 * est.std() / math.sqrt(est.size)


def test_kernel_trick_demo_separable_only_in_feature_space():
    """Inside / outside the circle: a line in (x₁², x₂²) separates them; x₁² + x₂² = r² is that line."""
    demo = P.compute_kernel_trick_demo(seed=1)
    s = demo.features[:, 0] + demo.features[:, 1]
    assert np.all((s < demo.radius**2) == (demo.labels == 1))
    from sklearn.svm import LinearSVC

    acc_input = LinearSVC(C=100, max_iter=20000).fit(demo.X, demo.labels).score(demo.X, demo.labels)
    assert acc_input < 0.9  # no line in the input space


def test_fit_exponent_recovers_a_power_law():
    L = np.array([256, 512, 1024, 2048])
    assert P.fit_exponent(L, 3e-9 * L**2.0) == pytest.approx(2.0)
    assert P.fit_exponent(L, 1e-3 + 1e-7 * L, L_min=1024) < 1.0
    with pytest.raises(ValueError):
        P.fit_exponent([1, 2], [1.0])


def test_lemma2_widget_norm_claims():
    """'Larger norms widen the range of kernel values: the trigonometric error at small values climbs steeply, while
    the positive error stays small on the left and grows on the right (large values, x ≈ y).'"""
    from course_utils.performer import widgets

    lo_norm, hi_norm = widgets.NORM_RANGE
    _, small = widgets._lemma2_curves(round(lo_norm, 2))
    _, large = widgets._lemma2_curves(round(hi_norm, 2))
    assert large["trig"][0] > 100 * small["trig"][0]
    assert large["positive"][0] < 0.2 and large["positive"][-1] > 10 * small["positive"][-1]
    for kind in P.KINDS:  # every curve of the slider range is inside the fixed axis (clipped only at its top)
        assert np.all(large[kind] <= widgets.LEMMA2_YLIM[1]) and np.all(small[kind] >= widgets.LEMMA2_YLIM[0])


# ----------------------------------------------------------------------------- expert-read corrections (second pass)
def test_small_norm_expansions_of_lemma_2():
    """Cell "When does which kind win": "Expanding Lemma 2 there, MSE_trig ≈ ‖x−y‖⁴/(2m) (second order) while
    MSE₊ ≈ ‖x+y‖²/m (first order): the trigonometric estimator wins. (SM near 1 alone is not the reason: large
    orthogonal x, y also give SM = 1, and there trig is bad.)" """
    rng = np.random.default_rng(0)
    m = 8
    for eps in (1e-2, 1e-3):
        x, y = eps * rng.standard_normal(6), eps * rng.standard_normal(6)
        trig, pos = P.kernel_estimator_mse(x, y, m, "trig"), P.kernel_estimator_mse(x, y, m, "positive")
        assert trig == pytest.approx(np.sum((x - y) ** 2) ** 2 / (2 * m), rel=20 * eps)
        assert pos == pytest.approx(np.sum((x + y) ** 2) / m, rel=20 * eps)
        assert trig < pos
    x, y = np.zeros(6), np.zeros(6)
    x[0], y[1] = 2.0, 2.0  # orthogonal, ||x|| = ||y|| = 2: SM = 1
    trig, pos = P.kernel_estimator_mse(x, y, m, "trig"), P.kernel_estimator_mse(x, y, m, "positive")
    assert np.exp(x @ y) == 1.0 and trig > 100  # an RMSE over 13 times the value 1 being estimated


def test_relu_limit_is_the_arc_cosine_kernel():
    """ReLU features "level off at their m → ∞ error (printed above)": 0.070 causal at sharpness 0.7 (vs 0.096 at
    m = 256, below positive's 0.13), 0.456 and 0.874 bidirectional at sharpness 0.25 and 2.0; the limit is the
    arc-cosine kernel, which ReLU features with large m approach."""
    assert round(P.relu_limit_error(0.7, causal=True), 3) == 0.070
    assert round(P.relu_limit_error(0.25), 3) == 0.456
    assert round(P.relu_limit_error(2.0), 3) == 0.874
    # Monte Carlo with many features approaches the limit (error of the kernel estimate ~ 1/sqrt(m))
    Q, K, V = P.demo_qkv(32, 16, sharpness=0.7)
    lim = P.relu_kernel_attention(Q, K, V, causal=True)
    omega = P.gaussian_random_matrix(1 << 16, 16, orthogonal=False, rng=np.random.default_rng(0))
    mc = P.favor_attention(Q, K, V, omega=omega, kind="relu", causal=True)
    assert P.relative_error(mc, lim) < 0.02
    pos = P.compute_favor_error_curve("positive", True, True, m_values=(256,), n_seeds=25).errors[0]
    relu = P.compute_favor_error_curve("relu", True, True, m_values=(256,), n_seeds=25).errors[0]
    assert relu < pos


def test_positive_features_not_usable_at_sharpness_2():
    """"Positive features do better than that baseline (printed above), but they are not usable at sharpness 2.0,
    even with m = 4096." """
    for m, hi in ((64, 0.95), (4096, 0.8)):
        c = P.compute_favor_error_curve("positive", True, False, m_values=(m,), n_seeds=9, sharpness=2.0)
        assert c.upper_quartile[0] < c.baseline_error and c.errors[0] > 0.5 and c.errors[0] < hi


def test_float32_favor_rounding_error_small():
    """"Its rounding error against the float64 FAVOR+ (same features; checked below) is far below FAVOR+'s
    Monte-Carlo error." """
    e = P.compute_float32_error(L=2048, d=64, m=256)
    assert e["bidirectional"] < 1e-5 and e["causal"] < 1e-5


def test_error_vs_m_slope_flatter_than_inverse_sqrt():
    """"The fitted slope (printed above) is flatter than the 1/√m (−0.5) of Lemma 2's asymptotic rate"."""
    evm = P.compute_error_vs_m((16, 64, 256, 1024), L=256, d=64, scale=0.25, n_draws=4)
    slope = np.polyfit(np.log(evm.m_values), np.log(evm.errors), 1)[0]
    assert -0.45 < slope < -0.25
