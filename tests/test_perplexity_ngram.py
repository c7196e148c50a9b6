"""Lecture 3: n-gram models and the corpus (course_utils.perplexity.ngram, course_utils.perplexity.corpus)."""
import hashlib
import math
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from course_utils.perplexity import (
    EOS,
    FROZEN_FROM,
    FROZEN_NAME,
    SMOOTHINGS,
    UNK,
    NGramModel,
    compute_add_k_curve,
    compute_model_table,
    compute_vocabulary_sweep,
    default_lambdas,
    format_sentences,
    freeze_python_docs,
    frozen_path,
    load_python_docs,
    load_text_file,
    parse_sentences,
    perplexity,
    prose_paragraphs,
    split_bucket,
    split_corpus,
    split_sentences,
    text_to_sentences,
    tokenize,
)
from course_utils.perplexity import corpus as corpus_module


@pytest.fixture(scope="module")
def corpus():
    return load_python_docs()


@pytest.fixture(scope="module")
def models(corpus):
    out = {}
    for smoothing in SMOOTHINGS:
        for n in (1, 2, 3):
            m = NGramModel(n, smoothing=smoothing, k=0.5, min_count=2).fit(corpus.train)
            if smoothing == "interpolated":
                m.tune_lambdas(corpus.dev)
            out[(n, smoothing)] = m
    return out


def random_contexts(model, corpus, rng, count=15):
    """Contexts from the vocabulary, the test set, sentence starts and unknown words."""
    vocab = [w for w in model.vocab if w not in (EOS,)]
    contexts = [[], ["<s>"], ["zzz-unknown", "qqq"], ["the"], ["for", "example"]]
    for _ in range(count):
        contexts.append(list(rng.choice(vocab, size=int(rng.integers(1, 4)))))
        sent = corpus.test[int(rng.integers(len(corpus.test)))]
        i = int(rng.integers(len(sent)))
        contexts.append(sent[max(0, i - 2):i])
    return contexts


# --------------------------------------------------------------------------- probabilities
def test_every_smoothed_distribution_sums_to_one(models, corpus):
    rng = np.random.default_rng(0)
    for (n, smoothing), model in models.items():
        for ctx in random_contexts(model, corpus, rng):
            p = model.distribution(ctx)
            assert p.shape == (model.vocab_size,)
            assert np.all(p > 0), (n, smoothing, ctx)
            assert p.sum() == pytest.approx(1.0, abs=1e-12), (n, smoothing, ctx)


def test_prob_agrees_with_distribution(models, corpus):
    rng = np.random.default_rng(1)
    for (n, smoothing), model in models.items():
        for ctx in random_contexts(model, corpus, rng, count=3):
            p = model.distribution(ctx)
            for i in rng.integers(0, model.vocab_size, size=10):
                assert model.prob(model.vocab[i], ctx) == pytest.approx(p[i], rel=1e-12)


def test_unknown_words_are_unk(models):
    m = models[(2, "kneser-ney")]
    assert m.prob("zzz-never-seen", ["the"]) == m.prob(UNK, ["the"])
    assert m.prob("the", ["zzz-never-seen"]) == m.prob("the", [UNK])


def test_add_k_with_k_to_zero_is_maximum_likelihood_on_training_data(corpus):
    sents = corpus.train[:300]
    for n in (1, 2, 3):
        model = NGramModel(n, smoothing="add-k", k=1e-12).fit(sents)
        grams, contexts = Counter(), Counter()
        for s in sents:
            padded = ["<s>"] * (n - 1) + s + [EOS]
            for i in range(n - 1, len(padded)):
                grams[tuple(padded[i - n + 1:i + 1])] += 1
                contexts[tuple(padded[i - n + 1:i])] += 1
        for gram, c in list(grams.items())[:400]:
            assert model.prob(gram[-1], list(gram[:-1])) == pytest.approx(c / contexts[gram[:-1]], rel=1e-6)


def test_add_k_with_huge_k_is_uniform(corpus):
    model = NGramModel(2, k=1e12, min_count=2).fit(corpus.train)
    assert model.perplexity(corpus.test) == pytest.approx(model.vocab_size, rel=1e-6)


def test_laplace_closed_form():
    m = NGramModel(2, k=1.0).fit([["a", "b"], ["a", "b"], ["a", "c"]])
    # V = {a, b, c, </s>, <unk>} = 5; c(a b) = 2, c(a) = 3
    assert m.vocab_size == 5
    assert m.prob("b", ["a"]) == pytest.approx((2 + 1) / (3 + 5))
    assert m.prob("a", ["c"]) == pytest.approx((0 + 1) / (1 + 5))


def test_kneser_ney_matches_a_reference_computation():
    sents = [["a", "b"], ["a", "c"], ["b", "c"], ["c", "a", "b"]]
    m = NGramModel(2, smoothing="kneser-ney", discount=0.75).fit(sents)
    D, V = 0.75, m.vocab_size
    bigrams = Counter()
    for s in sents:
        padded = ["<s>"] + s + [EOS]
        bigrams.update(zip(padded, padded[1:]))
    # continuation counts: number of distinct left neighbours
    cont = Counter(w for (_, w) in bigrams)
    total_cont = sum(cont.values())
    n_types_cont = len(cont)

    def p_uni(w):
        return max(cont[w] - D, 0) / total_cont + D * n_types_cont / total_cont / V

    def p_bi(w, h):
        c_h = sum(c for (x, _), c in bigrams.items() if x == h)
        types_h = sum(1 for (x, _) in bigrams if x == h)
        return max(bigrams[(h, w)] - D, 0) / c_h + D * types_h / c_h * p_uni(w)

    for h in ("a", "b", "c", "<s>"):
        for w in ("a", "b", "c", EOS, UNK):
            assert m.prob(w, [h]) == pytest.approx(p_bi(w, h), rel=1e-12)


def test_jelinek_mercer_is_the_stated_mixture():
    sents = [["a", "b"], ["a", "c"], ["b", "c"]]
    lam = [0.1, 0.3, 0.6]
    m = NGramModel(2, smoothing="interpolated", lambdas=lam).fit(sents)
    V = m.vocab_size  # a b c </s> <unk>
    unigram = {"a": 2 / 9, "b": 2 / 9, "c": 2 / 9, EOS: 3 / 9, UNK: 0.0}
    # seen context "a": c(a b) = 1, c(a) = 2
    assert m.prob("b", ["a"]) == pytest.approx(lam[0] / V + lam[1] * unigram["b"] + lam[2] * 1 / 2)
    # unseen context (<unk>): the bigram order drops out, weights renormalised
    assert m.prob("b", ["zzz"]) == pytest.approx((lam[0] / V + lam[1] * unigram["b"]) / (lam[0] + lam[1]))


def test_interpolation_weights_are_valid_and_tuning_helps(corpus, models):
    for n in (1, 2, 3, 5):
        lam = default_lambdas(n)
        assert lam.shape == (n + 1,) and np.all(lam > 0) and lam.sum() == pytest.approx(1.0)
    for n in (1, 2, 3):
        tuned = models[(n, "interpolated")]
        lam = tuned.lambdas
        assert lam.shape == (n + 1,) and np.all(lam >= 0) and lam[0] > 0 and lam.sum() == pytest.approx(1.0)
        fixed = NGramModel(n, smoothing="interpolated", min_count=2).fit(corpus.train)
        assert tuned.perplexity(corpus.dev) <= fixed.perplexity(corpus.dev) + 1e-9


def test_tuned_weights_match_scipy_optimum():
    from scipy.optimize import minimize

    from course_utils.perplexity.counts import _maximise_mixture_weights

    rng = np.random.default_rng(7)
    P = rng.uniform(0, 1, size=(400, 4)) ** 3
    M = np.ones_like(P)
    M[:150, 3] = 0  # some tokens lack the top order
    M[:50, 2] = 0
    P *= M
    P[:, 0] = 0.01

    def loss(lam):
        return -np.mean(np.log(P @ lam) - np.log(M @ lam))

    ours = _maximise_mixture_weights(P, M)
    ref = minimize(lambda t: loss(np.exp(t) / np.exp(t).sum()), np.zeros(4), method="BFGS")
    assert ours.sum() == pytest.approx(1.0) and np.all(ours >= 0)
    assert loss(ours) <= ref.fun + 1e-8


def test_perplexity_is_two_to_the_cross_entropy_and_counts_end_markers(models, corpus):
    m = models[(2, "kneser-ney")]
    probs = m.token_probs(corpus.test)
    assert probs.size == corpus.n_tokens("test") + len(corpus.test)
    assert m.perplexity(corpus.test) == pytest.approx(perplexity(probs), rel=1e-12)
    assert m.perplexity(corpus.test) == pytest.approx(2 ** m.cross_entropy(corpus.test), rel=1e-12)


def test_add_k_sweep_matches_the_model(corpus):
    for n in (1, 2, 3):
        model = NGramModel(n, min_count=2).fit(corpus.train)
        counts = model.top_order_counts(corpus.test)
        for k in (1e-3, 0.1, 1.0, 7.0):
            model.k = k
            assert counts.add_k_perplexity(k) == pytest.approx(model.perplexity(corpus.test), rel=1e-10)
        np.testing.assert_allclose(counts.add_k_perplexity(np.array([0.1, 1.0])),
                                   [counts.add_k_perplexity(0.1), counts.add_k_perplexity(1.0)])
    curve = compute_add_k_curve(counts, counts, 3, 0.5)
    assert curve.test_pp.shape == curve.ks.shape and np.all(np.isfinite(curve.test_pp))


def test_corpus_results_have_the_expected_shape(corpus):
    table = compute_model_table(corpus, orders=(1, 2, 3), smoothings=("interpolated", "kneser-ney"))
    for smoothing in ("interpolated", "kneser-ney"):
        train = [table.get(n, smoothing, "train_pp") for n in (1, 2, 3)]
        test = [table.get(n, smoothing, "test_pp") for n in (1, 2, 3)]
        assert train[0] > train[1] > train[2] >= 1      # more context fits the training text better
        assert test[0] > test[1] > test[2]              # and, smoothed, generalises better here
        assert all(te > tr for tr, te in zip(train[1:], test[1:]))  # overfitting shows on test
    assert "kneser-ney" in table.format()
    with pytest.raises(ValueError, match="no model"):
        table.get(4, "kneser-ney")


def test_smaller_vocabulary_lowers_perplexity(corpus):
    sweep = compute_vocabulary_sweep(corpus, min_counts=(1, 3, 20), orders=(1, 2))
    assert np.all(np.diff(sweep.vocab_size) < 0)
    assert np.all(np.diff(sweep.test_pp, axis=1) < 0)


def test_unsmoothed_bigram_meets_unseen_test_bigrams(corpus):
    m = NGramModel(2, min_count=2).fit(corpus.train)
    assert m.unseen_fraction(corpus.test) > 0.25
    assert NGramModel(1, min_count=2).fit(corpus.train).unseen_fraction(corpus.test) == 0.0


def test_generate_is_deterministic_and_uses_the_vocabulary(models):
    for (n, smoothing), m in models.items():
        a = m.generate(np.random.default_rng(3), max_len=12)
        b = m.generate(np.random.default_rng(3), max_len=12)
        assert a == b and len(a) <= 12
        assert set(a) <= set(m.vocab) - {EOS}
    assert len(models[(1, "add-k")].generate(np.random.default_rng(0), max_len=1)) <= 1


def test_top_next(models):
    top = models[(3, "kneser-ney")].top_next(["for"], k=3)
    assert len(top) == 3 and top[0][1] >= top[1][1] >= top[2][1]
    assert top[0][0] == "example"  # "For example" starts many sentences of the reference


def test_vocabulary_from_min_count_or_given():
    sents = [["a", "b", "a"], ["c", "a"]]
    assert NGramModel(1, min_count=2).fit(sents).vocab == ["a", EOS, UNK]
    assert NGramModel(1, vocab=["b", "z"]).fit(sents).vocab == ["b", "z", EOS, UNK]


# --------------------------------------------------------------------------- errors
def test_model_errors():
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        NGramModel(0)
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        NGramModel(1.5)
    with pytest.raises(ValueError, match="unknown smoothing 'good-turing'"):
        NGramModel(2, smoothing="good-turing")
    with pytest.raises(ValueError, match="k must be a finite number > 0"):
        NGramModel(2, k=0)
    with pytest.raises(ValueError, match="discount"):
        NGramModel(2, smoothing="kneser-ney", discount=1.0)
    with pytest.raises(ValueError, match="n \\+ 1 = 3 entries"):
        NGramModel(2, smoothing="interpolated", lambdas=[0.5, 0.5])
    with pytest.raises(ValueError, match="sum to 1"):
        NGramModel(1, smoothing="interpolated", lambdas=[0.5, 0.6])
    with pytest.raises(ValueError, match="uniform"):
        NGramModel(1, smoothing="interpolated", lambdas=[0.0, 1.0])
    with pytest.raises(ValueError, match="min_count"):
        NGramModel(1, min_count=0)
    m = NGramModel(2)
    with pytest.raises(ValueError, match="not fitted"):
        m.prob("a", [])
    with pytest.raises(ValueError, match="empty"):
        m.fit([])
    with pytest.raises(TypeError, match="list of words"):
        m.fit(["a sentence as a string"])
    with pytest.raises(TypeError, match="list of sentences"):
        m.fit("text")
    m.fit([["a", "b"]])
    with pytest.raises(ValueError, match="test sentences is empty"):
        m.perplexity([])
    with pytest.raises(ValueError, match="never predicted"):
        m.prob("<s>", ["a"])
    with pytest.raises(TypeError, match="context must be a list"):
        m.prob("a", "a b")
    with pytest.raises(ValueError, match="tune_lambdas is for smoothing='interpolated'"):
        m.tune_lambdas([["a"]])
    with pytest.raises(TypeError, match="Generator"):
        m.generate(0)
    with pytest.raises(ValueError, match="max_len"):
        m.generate(np.random.default_rng(0), max_len=0)
    with pytest.raises(ValueError, match="k must be finite and > 0"):
        m.top_order_counts([["a"]]).add_k_perplexity(0.0)


# --------------------------------------------------------------------------- corpus
def test_tokenize():
    assert tokenize("For dinner I'm making Pasta!") == ["for", "dinner", "i'm", "making", "pasta"]
    assert tokenize("The object’s __init__() method, e.g. x.y = 3.") == \
        ["the", "object's", "__init__", "method", "e", "g", "x", "y", "3"]
    with pytest.raises(TypeError, match="str"):
        tokenize(["a"])


def test_sentence_splitting_and_prose_filter():
    assert split_sentences("One two. Three four? e.g. not here. Five!") == ["One two.", "Three four? e.g. not here.", "Five!"]
    text = ("Heading\n=======\n\nA paragraph of real prose\nover two lines.\n\n   for x in y:\n       pass\n\n"
            "stmt ::= \"a\" | \"b\"\n\n>>> 1 + 1\n2\n\n+---+---+\n| a | b |\n+---+---+\n")
    assert prose_paragraphs(text) == ["A paragraph of real prose over two lines."]
    sents = text_to_sentences("A b c. A b c. D e f.", deduplicate=True)
    assert sents == [["a", "b", "c"], ["d", "e", "f"]]


def test_python_docs_corpus_is_deterministic_and_clean(corpus):
    again = load_python_docs()
    assert again.train == corpus.train and again.test == corpus.test and again.dev == corpus.dev
    assert corpus.name == FROZEN_NAME
    assert corpus.n_tokens("train") > 20_000
    assert all(len(s) >= 3 and all(w == w.lower() for w in s) for s in corpus.sentences)
    n_all = len(corpus.sentences)
    assert len({tuple(s) for s in corpus.sentences}) == n_all  # duplicates removed
    with pytest.raises(ValueError, match="part"):
        corpus.n_tokens("validation")


# The frozen corpus, pinned: if any of these change, every number of Lecture 3 changes with them.
FROZEN_SENTENCES, FROZEN_WORDS = 2408, 42449
FROZEN_PARTS = {"train": (1893, 33449), "dev": (251, 4348), "test": (264, 4652)}
FROZEN_SHA256 = "12a674de2bbb70efcbe7409b1c37e600572de21625244151a7e96704e2643179"


def test_frozen_corpus_counts_are_stable(corpus):
    assert {part: (len(getattr(corpus, part)), corpus.n_tokens(part)) for part in FROZEN_PARTS} == FROZEN_PARTS
    assert (len(corpus.sentences), corpus.n_tokens("all")) == (FROZEN_SENTENCES, FROZEN_WORDS)
    assert hashlib.sha256(frozen_path().read_bytes()).hexdigest() == FROZEN_SHA256
    # each sentence goes to test with probability 1/10 if SHA-256 mod 10 is uniform: a binomial count
    n, p = FROZEN_SENTENCES, 0.1
    for part in ("test", "dev"):
        assert abs(len(getattr(corpus, part)) - n * p) < 4 * math.sqrt(n * p * (1 - p))


def test_frozen_file_is_plain_utf8_one_tokenised_sentence_per_line(corpus):
    raw = frozen_path().read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n") and b"\n\n" not in raw and b"  " not in raw
    text = raw.decode("utf-8")
    lines = text.split("\n")[:-1]
    assert len(lines) == FROZEN_SENTENCES
    # every line is a fixed point of the tokeniser: the words are exactly what tokenize() makes of it
    assert all(tokenize(line) == line.split(" ") for line in lines)
    assert parse_sentences(text) == [line.split(" ") for line in lines]
    assert format_sentences(parse_sentences(text)) == text
    # the corpus is the file, in file order within each part
    order = {line: i for i, line in enumerate(lines)}
    for part in (corpus.train, corpus.dev, corpus.test):
        positions = [order[" ".join(s)] for s in part]
        assert positions == sorted(positions)


@pytest.mark.skipif(sys.version_info[:3] != FROZEN_FROM,
                    reason=f"the corpus file is frozen from CPython {'.'.join(map(str, FROZEN_FROM))}'s pydoc_data")
def test_frozen_file_is_exactly_what_freezing_produces(tmp_path):
    out = freeze_python_docs(tmp_path / "frozen.txt")
    assert out.read_bytes() == frozen_path().read_bytes()


def test_freezing_refuses_to_overwrite_the_shipped_file_from_another_python(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus_module, "FROZEN_FROM", (3, 0, 0))
    with pytest.raises(RuntimeError, match="frozen from CPython 3.0.0"):
        freeze_python_docs()
    # another path is fine (to compare releases); UTF-8 with \n line ends, whatever the platform
    out = freeze_python_docs(tmp_path / "other.txt")
    assert b"\r" not in out.read_bytes() and parse_sentences(out.read_bytes().decode("utf-8"))


def test_load_python_docs_does_not_read_pydoc_data():
    code = ("import sys; sys.modules['pydoc_data'] = None; sys.modules['pydoc_data.topics'] = None\n"
            "from course_utils.perplexity.corpus import load_python_docs\n"
            "c = load_python_docs(); print(len(c.train), len(c.dev), len(c.test))")
    out = subprocess.run([sys.executable, "-X", "warn_default_encoding", "-W", "error::EncodingWarning",
                          # importing the lecture package imports matplotlib, whose font cache is its own business
                          "-W", "ignore::EncodingWarning:matplotlib.font_manager", "-c", code],
                         capture_output=True, text=True, encoding="utf-8", check=True)
    assert out.stdout.split() == [str(FROZEN_PARTS[p][0]) for p in ("train", "dev", "test")]


def test_split_bucket_is_sha256_of_the_words_mod_test_every():
    words = ["assert", "statements", "are", "a", "convenient", "way"]
    digest = hashlib.sha256(b"assert statements are a convenient way").hexdigest()
    for test_every in (3, 10, 17):
        assert split_bucket(words, test_every) == int(digest, 16) % test_every
    # the same in a fresh interpreter with another str-hash salt (the built-in hash() would differ)
    code = "from course_utils.perplexity.corpus import split_bucket; print(split_bucket(['assert', 'statements', 'are', 'a', 'convenient', 'way'], 17))"
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                             check=True, env={"PYTHONHASHSEED": seed, "PATH": ""})
        assert int(out.stdout) == split_bucket(words, 17)


def test_split_is_stable_when_sentences_are_added_or_removed(corpus):
    sentences = corpus.sentences
    base = split_corpus(sentences, "base")
    part_of = {tuple(s): name for name in ("train", "dev", "test") for s in getattr(base, name)}
    rng = np.random.default_rng(11)
    # insert new sentences at random places (some at the very start: every position shifts) ...
    new = [["a", "new", "sentence", str(i)] for i in range(200)]
    grown = list(sentences)
    for sentence, where in zip(new, rng.integers(0, len(sentences), size=len(new))):
        grown.insert(int(where), sentence)
    grown.insert(0, ["one", "more", "at", "the", "start"])
    # ... and remove a random third of the old ones
    keep = rng.random(len(grown)) > 1 / 3
    changed = split_corpus([s for s, k in zip(grown, keep) if k], "changed")
    moved = [s for name in ("train", "dev", "test") for s in getattr(changed, name)
             if tuple(s) in part_of and part_of[tuple(s)] != name]
    assert moved == []
    # and the order of the sentences does not matter either
    shuffled = split_corpus([sentences[i] for i in rng.permutation(len(sentences))], "shuffled")
    for name in ("train", "dev", "test"):
        assert sorted(map(tuple, getattr(shuffled, name))) == sorted(map(tuple, getattr(base, name)))


def test_split_parts_follow_the_buckets_and_duplicates_stay_together():
    sentences = [["sentence", str(i), "here"] for i in range(300)]
    c = split_corpus(sentences + sentences[:50], "x", test_every=7)
    for name, buckets in (("test", {0}), ("dev", {1}), ("train", set(range(2, 7)))):
        assert {split_bucket(s, 7) for s in getattr(c, name)} <= buckets
    assert len(c.sentences) == 350
    test = {tuple(s) for s in c.test}
    assert not test & {tuple(s) for s in c.train + c.dev}  # a repeated sentence never lands on both sides


def test_load_python_docs_options():
    longer = load_python_docs(min_words=5)
    assert all(len(s) >= 5 for s in longer.sentences) and len(longer.sentences) < FROZEN_SENTENCES
    full = load_python_docs()
    # filtering keeps every remaining sentence in its part (the split depends on the sentence alone)
    assert longer.test == [s for s in full.test if len(s) >= 5]
    assert len(load_python_docs(test_every=5).test) > len(full.test)
    with pytest.raises(ValueError, match="min_words must be >= 3"):
        load_python_docs(min_words=2)
    with pytest.raises(TypeError, match="min_words must be an int"):
        load_python_docs(min_words=3.0)


def test_load_text_file(tmp_path):
    words = ["alpha", "beta", "gamma", "delta", "epsilon"]
    lines = [f"Sentence {i} is about {words[i % 5]} and {words[(i * 3) % 5]}." for i in range(40)]
    path = tmp_path / "my_book.txt"
    path.write_text("\n\n".join(" ".join(lines[i:i + 4]) for i in range(0, 40, 4)), encoding="utf-8")
    c = load_text_file(path)
    assert c.name == "my_book.txt"
    # the hash split, computed here from its definition: SHA-256 of the words, bucket 0 test, 1 dev
    tokens = [tokenize(line) for line in lines]
    bucket = [int(hashlib.sha256(" ".join(t).encode("utf-8")).hexdigest(), 16) % 10 for t in tokens]
    assert c.test == [t for t, b in zip(tokens, bucket) if b == 0]
    assert c.dev == [t for t, b in zip(tokens, bucket) if b == 1]
    assert c.train == [t for t, b in zip(tokens, bucket) if b >= 2]
    assert (len(c.train), len(c.dev), len(c.test)) == (36, 2, 2)
    assert c.test[0] == ["sentence", "18", "is", "about", "delta", "and", "epsilon"]
    m = NGramModel(2, smoothing="kneser-ney").fit(c.train)
    assert math.isfinite(m.perplexity(c.test))
    with pytest.raises(ValueError, match="no such text file"):
        load_text_file(tmp_path / "missing.txt")
    short = tmp_path / "short.txt"
    short.write_text("Only one sentence here.", encoding="utf-8")
    with pytest.raises(ValueError, match=r"only 1 sentence\(s\).*none of them in the (test|train) part"):
        load_text_file(short)


def test_split_corpus_errors():
    with pytest.raises(ValueError, match="test_every must be >= 3"):
        split_corpus([["a"]] * 5, "x", test_every=2)
    with pytest.raises(TypeError, match="test_every must be an int"):
        split_corpus([["a"]] * 5, "x", test_every=10.0)
    with pytest.raises(TypeError, match="test_every must be an int"):
        split_bucket(["a"], True)
    with pytest.raises(TypeError, match="list of sentences"):
        split_corpus("one two three", "x")
    with pytest.raises(TypeError, match=r"sentences\[1\] must be a list of str words"):
        split_corpus([["a", "b"], "c d"], "x")
    with pytest.raises(TypeError, match=r"sentences\[0\] must contain only str words, got int 3"):
        split_corpus([["a", 3]], "x")
    with pytest.raises(ValueError, match="only 0 sentence"):
        split_corpus([], "x")
    with pytest.raises(ValueError, match="white space"):
        format_sentences([["a b", "c"]])
