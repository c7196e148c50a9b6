"""Lecture 3, second edition: fair tuning, Kneser–Ney's discounts and <s> counts, the die with memory,
continuation counts, the tokenisation bridge. Each test quotes the sentence of the notebook it backs."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from course_utils import perplexity as P
from course_utils.perplexity.counts import estimate_discount


@pytest.fixture(scope="module")
def corpus():
    return P.load_python_docs()


@pytest.fixture(scope="module")
def table(corpus):
    return P.compute_model_table(corpus)


# --------------------------------------------------------------------------- Kneser–Ney's discounts
def test_estimated_discount_is_n1_over_n1_plus_2n2():
    """"D_j = n_1 / (n_1 + 2 n_2) per order j, with n_1, n_2 the numbers of j-grams counted once and twice"."""
    assert estimate_discount(np.array([1, 1, 1, 2, 2, 5])) == pytest.approx(3 / (3 + 4))
    assert estimate_discount(np.array([3, 4])) == 0.75  # neither singletons nor doubletons: the convention
    assert estimate_discount(np.array([2, 2, 7])) == 0.05  # n1 = 0 would give D = 0: clipped to a valid discount


def test_estimated_discounts_come_from_each_orders_counts(corpus):
    m = P.NGramModel(3, smoothing="kneser-ney", discount="estimate", min_count=2).fit(corpus.train)
    for j in (1, 2, 3):
        c = m._counts[j]
        n1, n2 = np.sum(c == 1), np.sum(c == 2)
        assert m.discounts[j - 1] == pytest.approx(min(max(n1 / (n1 + 2 * n2), 0.05), 0.95))
    assert np.all((m.discounts > 0) & (m.discounts < 1))


@pytest.mark.parametrize("discount", ["estimate", 0.5, (0.3, 0.6, 0.9)])
@pytest.mark.parametrize("bos_raw", [True, False])
def test_kneser_ney_distributions_sum_to_one_for_every_discount_rule(corpus, discount, bos_raw):
    m = P.NGramModel(3, smoothing="kneser-ney", discount=discount, bos_raw_counts=bos_raw, min_count=2)
    m.fit(corpus.train[:300])
    for ctx in ([], ["the"], ["raise", "a"], ["<unk>", "zzz"], ["<s>", "the"]):
        d = m.distribution(ctx)
        assert d.sum() == pytest.approx(1.0, abs=1e-9) and np.all(d > 0)
        assert m.prob("the", ctx) == pytest.approx(d[m.index["the"]])


def test_lower_order_ngrams_starting_with_bos_keep_raw_counts(corpus):
    """"Lower-order n-grams that start with `<s>` have no word before them to count: they keep their raw counts
    (the convention of SRILM, Stolcke 2002)"."""
    sents = corpus.train[:400]
    m = P.NGramModel(3, smoothing="kneser-ney", min_count=1).fit(sents)
    m_cont = P.NGramModel(3, smoothing="kneser-ney", min_count=1, bos_raw_counts=False).fit(sents)
    B = m._base
    first = Counter(s[0] if s else "</s>" for s in sents)
    for w, c in first.most_common(5):
        code = (B - 1) * B + m.index[w]
        i = np.searchsorted(m._keys[2], code)
        assert m._keys[2][i] == code and m._counts[2][i] == c  # raw count c(<s> w)
        j = np.searchsorted(m_cont._keys[2], code)
        assert m_cont._counts[2][j] == 1  # a continuation count: only <s> precedes "<s> w"
    # bigrams not starting with <s> keep their continuation counts in both
    keep = m._keys[2] // B != B - 1
    assert np.array_equal(m._keys[2][keep], m_cont._keys[2][m_cont._keys[2] // B != B - 1])


def test_the_bos_convention_changes_the_trigram_a_little(corpus, table):
    """"Kneser-Ney trigram with continuation counts for '<s> ...' bigrams too: 93.7 (raw counts, as SRILM: 94.3)"."""
    cont = P.NGramModel(3, smoothing="kneser-ney", discount="estimate", min_count=2, bos_raw_counts=False)
    pp_cont = cont.fit(corpus.train).perplexity(corpus.test)
    assert round(pp_cont, 1) == 93.7 and round(table.get(3, "kneser-ney"), 1) == 94.3
    assert abs(pp_cont - table.get(3, "kneser-ney")) / pp_cont < 0.01


def test_bad_discounts():
    with pytest.raises(ValueError, match="discount"):
        P.NGramModel(2, smoothing="kneser-ney", discount=(0.5,))
    with pytest.raises(ValueError, match="discount"):
        P.NGramModel(2, smoothing="kneser-ney", discount="guess")
    with pytest.raises(TypeError, match="bos_raw_counts"):
        P.NGramModel(2, smoothing="kneser-ney", bos_raw_counts="yes")


# --------------------------------------------------------------------------- fair tuning (the table)
def test_add_k_is_tuned_on_dev_never_on_test(corpus):
    m = P.fit_model(corpus, 2, "add-k")
    dev = m.top_order_counts(corpus.dev).add_k_perplexity(P.K_GRID)
    assert m.k == P.K_GRID[np.argmin(dev)] and m.k_tuned
    assert m.k == pytest.approx(0.016, rel=0.05)  # the k ≈ 0.016
    assert "dev" in P.tuning_note(m)


def test_the_table_says_what_was_tuned_on_what(table):
    text = table.format()
    assert "never on test" in text and "λ on dev" in text and "(dev)" in text and "n1/(n1+2n2), train" in text


def test_tuned_add_k_bigram_beats_the_unigram_but_the_trigram_does_not(table):
    """"Add-k with k tuned on dev: the bigram (172.6) beats the unigram, but the trigram (442.4) is worse than the bigram.\""""
    uni, bi, tri = (table.get(n, "add-k") for n in (1, 2, 3))
    assert round(bi, 1) == 172.6 and round(tri, 1) == 442.4
    assert bi < uni and tri > bi


def test_test_perplexity_falls_with_the_order_and_the_gap_grows(table):
    """"More context fits the training text much better (train PP of Kneser–Ney: 314.4 → 35.1 → 9.1) and, with
    interpolation or Kneser–Ney, the test text better too (294.4 → 111.6 → 94.3 and 294.4 → 119.9 → 100.5). What grows
    with the order is the gap between train and test"."""
    for smoothing in ("interpolated", "kneser-ney"):
        train = [table.get(n, smoothing, "train_pp") for n in (1, 2, 3)]
        test = [table.get(n, smoothing) for n in (1, 2, 3)]
        assert train[0] > train[1] > train[2] and test[0] > test[1] > test[2]
        ratio = [te / tr for te, tr in zip(test, train)]
        assert ratio[0] < ratio[1] < ratio[2]
    assert [round(table.get(n, "kneser-ney", "train_pp"), 1) for n in (1, 2, 3)] == [314.4, 35.1, 9.1]
    assert [round(table.get(n, "kneser-ney"), 1) for n in (1, 2, 3)] == [294.4, 111.6, 94.3]
    assert [round(table.get(n, "interpolated"), 1) for n in (1, 2, 3)] == [294.4, 119.9, 100.5]


def test_add_k_trigram_gives_unseen_contexts_the_uniform(corpus, table):
    """"a test token whose trigram context never occurred in training (29.3 % of them) gets the uniform 1/V"."""
    m = table.models[(3, "add-k")]
    counts = m.top_order_counts(corpus.test)
    assert round(100 * np.mean(counts.context == 0), 1) == 29.3
    p = m.token_probs(corpus.test)
    assert p[counts.context == 0] == pytest.approx(np.full(np.sum(counts.context == 0), 1 / m.vocab_size))


def test_exercise_4_solution_numbers(corpus):
    """EX_MLE's solution: "the dev-tuned k ≈ 0.016 gives the bigram a test perplexity of about 173 (Laplace's k = 1:
    about 451); below that it climbs again, slowly at first (about 475 at k = 10⁻⁴), then without bound: about 14,700
    for the bigram and 60,500 for the trigram at k = 10⁻⁹, the left end of the widget's slider"."""
    bi = P.NGramModel(2, min_count=2).fit(corpus.train).top_order_counts(corpus.test)
    tri = P.NGramModel(3, min_count=2).fit(corpus.train).top_order_counts(corpus.test)
    k_dev = P.fit_model(corpus, 2, "add-k").k
    assert round(bi.add_k_perplexity(k_dev)) == 173
    assert round(bi.add_k_perplexity(1.0)) == 451
    assert round(bi.add_k_perplexity(1e-4)) == 475
    assert round(bi.add_k_perplexity(1e-9), -2) == 14_700
    assert round(tri.add_k_perplexity(1e-9), -2) == 60_500
    ks = np.logspace(-9, np.log10(k_dev), 30)
    assert np.all(np.diff(bi.add_k_perplexity(ks)) < 0)  # it climbs all the way as k falls below the tuned k
    for text in ("173", "451", "475", "14,700", "60,500", "10^{-9}"):
        assert text in P.EX_MLE.solution


# --------------------------------------------------------------------------- dice with memory
@pytest.mark.parametrize("share", [7 / 12, 1 / 6, 0.0, 0.5])
def test_a_bigram_die_beats_every_order_blind_model(share):
    """"A bigram die model (add-k, k = 0.1) trained on a longer sequence from the same deterministic rule (60 rolls; every
    transition of the test rolls occurs in it) goes far below 2^H(q);
    a unigram trained on them cannot"."""
    r = P.compute_die_bigram(six_share=share, n_rolls=12, n_train=60, k=0.1)
    die = P.compute_die(p_six=7 / 12, six_share=share, n_rolls=12)
    assert r.best_unigram_pp == pytest.approx(2 ** die.test_entropy_bits)
    assert r.unigram_pp >= r.best_unigram_pp - 1e-12  # Gibbs' inequality
    assert r.bigram_pp < 0.5 * r.best_unigram_pp


def test_ngram_models_go_below_the_test_token_entropy(corpus, table):
    """"2^{H(q)} of the test set's token frequencies bounds only unigram models; the n-gram models of section 5 go below it"."""
    lm = table.models[(3, "kneser-ney")]
    tokens = [w if w in lm.index else "<unk>" for s in corpus.test for w in s + ["</s>"]]
    q = np.array(list(Counter(tokens).values())) / len(tokens)
    bound = 2 ** P.entropy(q)
    assert table.get(1, "kneser-ney") > bound > table.get(2, "kneser-ney") > table.get(3, "kneser-ney")


# --------------------------------------------------------------------------- continuation counts, <unk>, samples
def test_same_is_frequent_but_picky(corpus):
    """""same" occurs about as often as "from", but nearly always after "the". [...] Maximum likelihood [...] ranks the two
    about equally; the continuation probability puts "from" far ahead."""
    assert P.most_diverse_partner(corpus, "same") == "from"
    same, frm = P.compute_continuation(corpus, ["same", "from"])
    assert (same.count, same.predecessors) == (98, 5) and same.top_predecessors[0] == ("the", 94)
    assert 0.5 < same.p_ml / frm.p_ml < 2
    assert frm.p_continuation > 10 * same.p_continuation
    # P_cont is N1+(. w) / N1+(. .), and sums to 1 over all words
    allw = sorted({w for s in corpus.train for w in s})
    assert sum(r.p_continuation for r in P.compute_continuation(corpus, allw)) == pytest.approx(1.0)


def test_fajitas_and_cement_are_the_same_unk(corpus):
    """""fajitas" and "cement" are both out of the vocabulary, both read as `<unk>`, so they get the same probability"."""
    lm = P.fit_model(corpus, 3, "kneser-ney")
    ctx = P.tokenize("For dinner I'm making")
    assert "fajitas" not in lm.index and "cement" not in lm.index
    assert lm.prob("fajitas", ctx) == lm.prob("cement", ctx) == lm.prob("<unk>", ctx)


def test_the_model_learned_the_article(corpus):
    """"The model has learned the article from the counts — "a TypeError", "an AttributeError"."""
    lm = P.fit_model(corpus, 3, "kneser-ney")
    a, an = P.tokenize("raise a"), P.tokenize("raise an")
    assert lm.prob("typeerror", a) > 100 * lm.prob("typeerror", an)
    assert lm.prob("attributeerror", an) > 100 * lm.prob("attributeerror", a)


def test_samples_have_the_stated_lengths_and_are_reproducible(table):
    for n in (1, 2, 3):
        m = table.models[(n, "kneser-ney")]
        a = P.sample_sentences(m, np.random.default_rng(n), n_samples=3)
        assert a == P.sample_sentences(m, np.random.default_rng(n), n_samples=3)
        assert len(a) == 3 and all(6 <= len(s) <= 20 for s in a)


# --------------------------------------------------------------------------- the tokenisation bridge
def test_bits_per_character_of_both_tokenisations(corpus):
    """"Per character, the word trigram (1.38 bpc) still beats the character 5-gram (1.56)"."""
    r = P.compute_tokenisations(corpus, orders=(1, 2, 3, 4, 5))
    chars = P.char_sentences(corpus.test)
    assert r.n_chars == sum(len(s) + 1 for s in chars)  # every character and one end of sentence each
    m = P.NGramModel(2, smoothing="kneser-ney", discount="estimate", min_count=2).fit(P.char_sentences(corpus.train))
    assert m.token_probs(chars).size == r.n_chars  # a character model predicts exactly the characters
    assert r.char_bpc == pytest.approx(np.log2(r.char_pp))  # its bits per token are its bits per character
    assert r.word_bpc == pytest.approx((r.word_bits + r.spelling_bits) / r.n_chars)
    assert r.word_pp == pytest.approx(2 ** (r.word_bits / r.n_word_tokens))
    assert r.word_pp[2] == pytest.approx(P.fit_model(corpus, 3, "kneser-ney").perplexity(corpus.test))
    assert round(r.word_bpc[2], 2) == 1.38 and round(r.char_bpc[4], 2) == 1.56
    assert np.all(r.char_pp < 20) and np.all(r.word_pp > 90)  # per token, incomparable scales
    assert r.spelling_bits > 0


def test_tokenisation_widget_moves_only_rings_and_readout():
    from course_utils.core.widgets import sweep_widget

    live = P.tokenisation_widget()
    settings = sweep_widget(live)
    assert not [t for t in settings.readouts if "Cannot draw this setting" in t]
    text = live.render(tokenisation="characters", n=5)
    assert "1.56 bits per character" in text
    assert "1.38 bits per character" in live.render(tokenisation="words", n=3)


# --------------------------------------------------------------------------- the solutions of the coding exercises
@pytest.mark.parametrize("ex", P.CODING_EXERCISES, ids=lambda e: e.key)
def test_the_code_in_each_solution_passes_its_checker(ex, capsys):
    code = ex.solution.split("```python\n")[1].split("```")[0]
    namespace = {"math": math, "np": np, "Counter": Counter}
    exec(code, namespace)  # noqa: S102 - our own solution text
    fn = next(v for k, v in namespace.items() if callable(v) and k not in ("Counter",) and not k.startswith("__")
              and getattr(v, "__module__", None) is None)
    assert ex.check(fn), capsys.readouterr().out


def test_paired_bootstrap_of_the_test_perplexity(corpus, table):
    """"Each perplexity alone moves by about ±5 with the test sample, about as much as the gap between the two smoothings; the
    paired differences are much more certain: the Kneser–Ney trigram beats interpolation and its own bigram on every
    resample"."""
    kn3 = table.models[(3, "kneser-ney")]
    for rival in ((3, "interpolated"), (2, "kneser-ney")):
        b = P.compute_bootstrap({"kn3": kn3, "rival": table.models[rival]}, corpus.test, np.random.default_rng(0))
        assert b.pp == pytest.approx([table.get(3, "kneser-ney"), table.get(*rival)])
        assert np.all((b.stderr > 4) & (b.stderr < 7))
        assert b.diff < 0 and b.diff_stderr < 0.5 * b.stderr.min() and b.share_first_better == 1.0
        assert abs(b.diff) / b.diff_stderr > 5
    b = P.compute_bootstrap({"kn3": kn3, "interp": table.models[(3, "interpolated")]}, corpus.test,
                            np.random.default_rng(0))
    assert 0.5 < abs(b.diff) / b.stderr.min() < 2  # the gap between the smoothings is about one perplexity's stderr
    # the bootstrap's stderr agrees with the delta-method estimate from per-sentence bits (an independent check)
    lengths = np.array([len(s) + 1 for s in corpus.test])
    bits = np.add.reduceat(-np.log2(kn3.token_probs(corpus.test)), np.cumsum(lengths) - lengths)
    H = bits.sum() / lengths.sum()
    resid = bits - H * lengths
    se_H = np.sqrt(len(lengths) * np.sum(resid ** 2) / (len(lengths) - 1)) / lengths.sum()
    assert b.stderr[0] == pytest.approx(np.log(2) * 2 ** H * se_H, rel=0.15)


# --------------------------------------------------------------------------- expert read, second round
def test_unigram_discount_is_the_clip_because_every_singleton_is_unk(corpus, table):
    """"1 kneser-ney ... D = 0.05 (clip; n1 = 0 after <unk>)" and "The unigram model hits the clip: every training
    singleton became `<unk>`, so its n_1 = 0 and the formula would give D = 0; its D = 0.05 is the clip, not an estimate"."""
    uni = table.models[(1, "kneser-ney")]
    counts = Counter(w if w in uni.index else "<unk>" for s in corpus.train for w in s + ["</s>"])
    assert sum(1 for c in counts.values() if c == 1) == 0  # n1 = 0: the formula would give D = 0
    assert uni.discounts[0] == P.DISCOUNT_CLIP == 0.05
    assert "D = 0.05 (clip; n1 = 0 after <unk>)" in table.format()
    assert all(d > P.DISCOUNT_CLIP for d in table.models[(3, "kneser-ney")].discounts)  # no other order is clipped


def test_add_k_unigram_k_is_the_grids_lowest(corpus, table):
    """"k = 1e-09 (dev; grid's lowest, i.e. ML)": with `<unk>` every unigram is seen, so maximum likelihood is optimal."""
    m = table.models[(1, "add-k")]
    assert m.k == P.K_GRID[0] and "grid's lowest, i.e. ML" in table.format()
    assert m.unseen_fraction(corpus.dev) == 0
    pp = m.top_order_counts(corpus.dev).add_k_perplexity(P.K_GRID)
    assert np.all(np.diff(pp) >= -1e-9)  # dev perplexity never falls as k grows: ML is the best add-k unigram


def test_p_ml_uses_the_models_unigram_denominator(corpus, table):
    """"P_ML(w) = c(w) / N, N = 35,342 training tokens with `</s>`, the denominator of the models' unigram counts"."""
    same = P.compute_continuation(corpus, ["same"])[0]
    n = sum(len(s) + 1 for s in corpus.train)
    assert n == 35342 and same.p_ml == pytest.approx(98 / n) and round(same.p_ml, 4) == 0.0028


def test_unk_selection_effect_is_systematic(corpus, table):
    """"Not chance but a selection effect of the vocabulary cut (a Good–Turing effect): words seen 2–3 times in
    training are 4.6 % of its word tokens but only 3.8 % of dev's and 4.0 % of test's; more of the held-out words
    are `<unk>` (3.1 % train, 6.4 % dev, 5.1 % test). On the other tokens alone, dev (319.2) and test (328.5) are
    both easier than training (336.8)"."""
    r = P.compute_unk_selection(corpus, table.models[(1, "kneser-ney")])
    assert r.parts == ("train", "dev", "test")
    assert [round(100 * x, 1) for x in r.rare_share] == [4.6, 3.8, 4.0]
    assert [round(100 * x, 1) for x in r.unk_share] == [3.1, 6.4, 5.1]
    assert [round(x, 1) for x in r.pp_known] == [336.8, 319.2, 328.5]
    # the same direction on both held-out sets: systematic, not one lucky sample
    assert np.all(r.rare_share[1:] < r.rare_share[0]) and np.all(r.unk_share[1:] > r.unk_share[0])
    assert np.all(r.pp_known[1:] < r.pp_known[0]) and np.all(r.pp_all[1:] < r.pp_all[0])
    # and a mechanism test on a synthetic source with no train/test difference at all: i.i.d. Zipf draws
    rng = np.random.default_rng(0)
    p = P.zipf_probs(3000, 1.1)
    shares = []
    for _ in range(20):
        train, held = (rng.choice(3000, size=n, p=p) for n in (30000, 30000))
        c = np.bincount(train, minlength=3000)
        rare = (c >= 2) & (c <= 3)
        shares.append((rare[train].mean(), rare[held].mean(), (c[held] < 2).mean() - (c[train] < 2).mean()))
    s = np.array(shares)
    assert np.all(s[:, 0] > s[:, 1]) and np.all(s[:, 2] > 0)  # every seed: the effect, without any real difference


def test_bpc_formula_includes_the_spelling_bits(corpus):
    """"bpc = (N_tokens log₂ PP_token + B_spell) / N_chars" and "the word trigram's 1.38 bpc is (32,245 + 6,134) / 27,711"."""
    r = P.compute_tokenisations(corpus, orders=(3,))
    assert round(r.word_bits[0]) == 32245 and round(r.spelling_bits) == 6134 and r.n_chars == 27711
    assert r.word_bits[0] == pytest.approx(r.n_word_tokens * np.log2(r.word_pp[0]))
    assert round((r.word_bits[0] + r.spelling_bits) / r.n_chars, 2) == round(r.word_bpc[0], 2) == 1.38


def test_word_models_stop_improving_after_order_4(corpus):
    """"their test perplexity falls with the order for n ≤ 3 here (Kneser–Ney up to n = 4: 91.7, then 92.6 at n = 5)" and "for n ≤ 3
    [...] section 6 shows n = 4 and 5 adding almost nothing"."""
    r = P.compute_tokenisations(corpus, orders=(1, 2, 3, 4, 5))
    assert np.all(np.diff(r.word_pp[:4]) < 0) and r.word_pp[4] > r.word_pp[3]
    assert [round(x, 1) for x in r.word_pp[3:]] == [91.7, 92.6]


def test_die_rolls_are_deterministic_and_training_covers_every_test_transition():
    """"A bigram die model (add-k, k = 0.1) trained on a longer sequence (60 rolls) from the same deterministic rule"."""
    for share in (0.0, 7 / 12, 0.9):
        np.testing.assert_array_equal(P.die_rolls(60, share), P.die_rolls(60, share))  # no randomness
        train, test = P.die_rolls(60, share), P.die_rolls(12, share)
        seen = set(zip(train[:-1].tolist(), train[1:].tolist()))
        assert set(zip(test[:-1].tolist(), test[1:].tolist())) <= seen  # every test transition occurs in training
    assert P.compute_die_bigram().train_rolls == 60


def test_interpolated_lower_order_always_adds_but_matters_most_for_small_counts(corpus):
    """"The model is interpolated: the lower order always adds D N_1+(h •)/c(h) · P_lower(w), but it matters most where
    c(h w) is 0 or small"."""
    m = P.fit_model(corpus, 2, "kneser-ney")
    toks = [[w if w in m.index else "<unk>" for w in s] for s in corpus.train]
    big = Counter((a, b) for s in toks for a, b in zip(["<s>"] + s, s + ["</s>"]))
    c_h = Counter()
    n_h = Counter()
    for (a, _), c in big.items():
        c_h[a] += c
        n_h[a] += 1
    D = m.discounts[1]
    # after "the" (c(the same) = 94): the discounted count explains almost all of P(same | the)
    p = m.prob("same", ["the"])
    top = (big[("the", "same")] - D) / c_h["the"]
    lower = p - top
    assert lower > 0 and lower < 0.01 * p
    # contexts never followed by "same" or "from": P is the lower order alone, so the ratio is the same everywhere
    unseen = [h for h in c_h if h != "<s>" and big[(h, "same")] == 0 and big[(h, "from")] == 0 and c_h[h] >= 20][:20]
    ratios = [m.prob("same", [h]) / m.prob("from", [h]) for h in unseen]
    assert len(ratios) == 20 and np.allclose(ratios, ratios[0])
    assert m.prob("same", ["the"]) / m.prob("from", ["the"]) > 100 * ratios[0]
    # and the lower-order term after "the" is exactly D N1+(the •)/c(the) · P_lower(same), P_lower read off an unseen context
    h0 = unseen[0]
    p_lower = m.prob("same", [h0]) * c_h[h0] / (D * n_h[h0])
    assert lower == pytest.approx(D * n_h["the"] / c_h["the"] * p_lower, rel=1e-9)
