"""Lecture 3: perplexity, cross-entropy and entropy, dice (course_utils.perplexity)."""
import math

import numpy as np
import pytest
import scipy.stats

from course_utils.perplexity import (
    SLP3_WSJ,
    SLP3_WSJ_SETUP,
    check_distribution,
    compute_branching,
    compute_die,
    compute_underflow,
    cross_entropy,
    die_probs,
    die_rolls,
    entropy,
    naive_perplexity,
    perplexity,
    sequence_perplexity,
    zipf_probs,
)


# --------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("k", [1, 2, 6, 10, 57])
@pytest.mark.parametrize("n_rolls", [1, 2, 13, 1000])
def test_uniform_model_has_perplexity_k_on_any_test_set(k, n_rolls):
    rng = np.random.default_rng(k * 1000 + n_rolls)
    outcomes = rng.integers(0, k, size=n_rolls)
    assert sequence_perplexity(np.full(k, 1 / k), outcomes) == pytest.approx(k, rel=1e-12)
    # the same test set made of one repeated face
    assert sequence_perplexity(np.full(k, 1 / k), np.zeros(n_rolls, dtype=int)) == pytest.approx(k, rel=1e-12)


def test_fair_die_is_6_and_digits_are_10():
    assert sequence_perplexity(np.full(6, 1 / 6), [0, 5, 5, 2]) == pytest.approx(6)
    assert perplexity(np.full(50, 0.1)) == pytest.approx(10)  # SLP3: uniform over digits


def test_perplexity_is_at_least_one_and_one_only_for_certainty():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 50))
        p = rng.uniform(1e-6, 1.0, size=n)
        assert perplexity(p) >= 1.0
    assert perplexity(np.ones(7)) == 1.0
    assert perplexity([1.0, 0.999]) > 1.0


def test_perplexity_equals_two_to_the_cross_entropy():
    rng = np.random.default_rng(1)
    for n in (1, 3, 100, 10_000):
        p = rng.uniform(1e-4, 1.0, size=n)
        h_bits = cross_entropy(p, base=2)
        assert perplexity(p) == pytest.approx(2.0 ** h_bits, rel=1e-12)
        assert perplexity(p) == pytest.approx(math.exp(cross_entropy(p, base=math.e)), rel=1e-12)
        assert cross_entropy(p, base=10) == pytest.approx(h_bits * math.log10(2), rel=1e-12)


def test_log_space_agrees_with_the_direct_product_on_short_sequences():
    rng = np.random.default_rng(2)
    for n in range(1, 21):
        p = rng.uniform(0.01, 1.0, size=n)
        direct = np.prod(p) ** (-1.0 / n)
        assert perplexity(p) == pytest.approx(direct, rel=1e-10)
        assert naive_perplexity(p) == pytest.approx(direct, rel=1e-10)


def test_the_direct_product_underflows_on_a_long_sequence_but_log_space_does_not():
    p = np.full(400, 0.01)  # product 1e-800 is below the smallest float64
    assert naive_perplexity(p) == math.inf
    assert perplexity(p) == pytest.approx(100.0)
    res = compute_underflow(p, [1, 10, 100, 200, 400])
    assert res.product[0] == pytest.approx(0.01) and res.product[-1] == 0.0
    np.testing.assert_allclose(res.log10_product, -2.0 * res.lengths)
    np.testing.assert_allclose(res.log_pp, 100.0)
    assert np.isinf(res.naive_pp[-1]) and res.naive_pp[0] == pytest.approx(100.0)
    # 0.01^N is a subnormal float64 down to about 1e-323, so it reaches 0.0 at N = 162
    assert res.underflow_at == 162
    assert compute_underflow([0.5] * 10, [10]).underflow_at == 0


def test_zero_probability_gives_infinite_perplexity_without_warnings():
    assert perplexity([0.5, 0.0, 0.25]) == math.inf
    assert cross_entropy([0.5, 0.0]) == math.inf
    assert sequence_perplexity([0.0, 0.5, 0.5], [0, 1]) == math.inf
    assert sequence_perplexity([0.0, 0.5, 0.5], [1, 2]) == pytest.approx(2.0)


def test_entropy_closed_forms_and_scipy():
    assert entropy(np.full(6, 1 / 6)) == pytest.approx(math.log2(6))
    assert entropy([1.0, 0.0, 0.0]) == 0.0
    assert entropy([0.5, 0.5], base=math.e) == pytest.approx(math.log(2))
    rng = np.random.default_rng(3)
    for k in (2, 5, 30):
        p = rng.dirichlet(np.ones(k))
        assert entropy(p) == pytest.approx(scipy.stats.entropy(p, base=2), rel=1e-12)


def test_matching_test_set_gives_two_to_the_entropy_exactly():
    # 12 rolls with exactly the model's proportions: PP = 2^H(p)
    p = die_probs(7 / 12)
    rolls = die_rolls(12, 7 / 12)
    assert np.bincount(rolls, minlength=6).tolist() == [1, 1, 1, 1, 1, 7]
    assert sequence_perplexity(p, rolls) == pytest.approx(2 ** entropy(p), rel=1e-12)
    assert sequence_perplexity(p, rolls) == pytest.approx(3.8566, abs=1e-4)  # "about 4 options"


def test_sampled_test_set_perplexity_converges_to_two_to_the_entropy():
    rng = np.random.default_rng(4)
    p = np.array([0.05, 0.05, 0.1, 0.2, 0.6])
    rolls = rng.choice(5, size=200_000, p=p)
    # log2 PP is a mean of i.i.d. terms: standard error sqrt(Var(-log2 p(X)) / N)
    se = np.std(-np.log2(p[rolls])) / math.sqrt(rolls.size)
    assert abs(math.log2(sequence_perplexity(p, rolls)) - entropy(p)) < 4 * se


def test_cross_entropy_is_at_least_the_entropy_of_the_test_set():
    rng = np.random.default_rng(5)
    for _ in range(50):
        model = rng.dirichlet(np.ones(6))
        n_rolls = int(rng.integers(1, 40))
        rolls = rng.integers(0, 6, size=n_rolls)
        q = np.bincount(rolls, minlength=6) / n_rolls
        assert math.log2(sequence_perplexity(model, rolls)) >= entropy(q) - 1e-12
    # and equality when the model is the test set's own distribution
    rolls = np.array([0, 0, 1, 2, 2, 2])
    q = np.bincount(rolls, minlength=3) / 6
    assert sequence_perplexity(q, rolls) == pytest.approx(2 ** entropy(q))


def test_compute_die_default_and_mismatched_test_set():
    r = compute_die()
    assert r.perplexity == pytest.approx(3.8566, abs=1e-4)
    assert r.cross_entropy_bits == pytest.approx(r.model_entropy_bits)
    # a test set with no sixes on the six-loving die: each roll has p = 1/12 -> PP = 12 > 6
    assert compute_die(six_share=0.0).perplexity == pytest.approx(12.0)
    # fair model: 6 whatever the rolls
    for share in (0.0, 0.3, 1.0):
        assert compute_die(p_six=1 / 6, six_share=share, n_rolls=7).perplexity == pytest.approx(6.0)


@pytest.mark.parametrize("p_six", [0.0, 0.01, 0.5, 0.99, 1.0])
@pytest.mark.parametrize("six_share", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("n_rolls", [1, 2, 60])
def test_compute_die_over_the_widget_ranges(p_six, six_share, n_rolls):
    r = compute_die(p_six=p_six, six_share=six_share, n_rolls=n_rolls)
    assert r.outcomes.size == n_rolls
    assert r.test_freqs.sum() == pytest.approx(1.0)
    assert np.isfinite(r.model_entropy_bits) and np.isfinite(r.test_entropy_bits)
    has_six = np.any(r.outcomes == 5)
    has_other = np.any(r.outcomes < 5)
    impossible = (p_six == 0.0 and has_six) or (p_six == 1.0 and has_other)
    assert math.isinf(r.perplexity) == impossible
    if not impossible:
        assert r.perplexity >= 1.0 and np.isfinite(r.cross_entropy_bits)


def test_one_roll_test_set():
    assert compute_die(p_six=0.25, six_share=1.0, n_rolls=1).perplexity == pytest.approx(4.0)
    assert compute_die(p_six=0.25, six_share=0.0, n_rolls=1).perplexity == pytest.approx(1 / 0.15)


def test_branching_uniform_is_k_and_skewed_is_smaller():
    r = compute_branching(k_max=30, skew=1.0)
    np.testing.assert_allclose(r.uniform, np.arange(1, 31))
    assert r.skewed[0] == pytest.approx(1.0)
    assert np.all(r.skewed[1:] < r.uniform[1:])
    assert np.all(np.diff(r.skewed) > 0)
    np.testing.assert_allclose(compute_branching(k_max=12, skew=0.0).skewed, np.arange(1, 13), rtol=1e-12)
    for skew in (0.0, 0.05, 1.5, 3.0):
        assert np.all(np.isfinite(compute_branching(30, skew).skewed))
    assert zipf_probs(5, 2.0).sum() == pytest.approx(1.0)


def test_slp3_reference_numbers():
    assert SLP3_WSJ == {1: 962, 2: 170, 3: 109}
    assert SLP3_WSJ_SETUP == {"train_words": 38_000_000, "vocab_size": 19_979, "test_words": 1_500_000}
    # the reported perplexities decrease with the order, and none reaches the uniform model's PP = V
    assert SLP3_WSJ[1] > SLP3_WSJ[2] > SLP3_WSJ[3] and SLP3_WSJ[1] < SLP3_WSJ_SETUP["vocab_size"]


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("bad, match", [
    ([0.5, 1.5], r"must lie in \[0, 1\]"),
    ([-0.1, 0.5], r"must lie in \[0, 1\]"),
    ([0.5, float("nan")], r"must lie in \[0, 1\]"),
    ([], "empty"),
    ([[0.5, 0.5]], "1-D"),
])
def test_bad_probabilities(bad, match):
    with pytest.raises(ValueError, match=match):
        perplexity(bad)
    with pytest.raises(ValueError, match=match):
        cross_entropy(bad)


def test_bad_inputs_have_clear_messages():
    with pytest.raises(TypeError, match="numbers"):
        perplexity(["a", "b"])
    with pytest.raises(ValueError, match="sum to 1"):
        entropy([0.5, 0.4])
    with pytest.raises(ValueError, match="sum to 1"):
        sequence_perplexity([0.2, 0.2], [0])
    check_distribution([0.5, 0.5 + 1e-9])  # within tolerance
    with pytest.raises(ValueError, match="outside the model's outcomes 0 … 2"):
        sequence_perplexity([0.2, 0.3, 0.5], [0, 3])
    with pytest.raises(ValueError, match="outside the model's outcomes"):
        sequence_perplexity([0.2, 0.3, 0.5], [-1])
    with pytest.raises(ValueError, match="empty"):
        sequence_perplexity([0.5, 0.5], [])
    with pytest.raises(ValueError, match="integers"):
        sequence_perplexity([0.5, 0.5], [0.5])
    with pytest.raises(ValueError, match="base"):
        cross_entropy([0.5], base=1)
    with pytest.raises(ValueError, match="base"):
        entropy([1.0], base=-2)
    with pytest.raises(ValueError, match="p_six"):
        die_probs(1.2)
    with pytest.raises(ValueError, match="faces"):
        die_probs(0.5, faces=1)
    with pytest.raises(ValueError, match="n_rolls"):
        die_rolls(0, 0.5)
    with pytest.raises(ValueError, match="six_share"):
        die_rolls(3, -0.1)
    with pytest.raises(ValueError, match="k_max"):
        compute_branching(0)
    with pytest.raises(ValueError, match="skew"):
        zipf_probs(3, -1.0)
    with pytest.raises(ValueError, match="lengths"):
        compute_underflow([0.5, 0.5], [3])
