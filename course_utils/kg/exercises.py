"""Exercises of Lecture 4 (knowledge graphs, RESCAL), with hints and revealable solutions."""
from __future__ import annotations

import numpy as np

from course_utils.core.exercises import Exercise, compare_choice, compare_function, compare_value

# 1. Counting parameters -------------------------------------------------------------------
PARAMS_N, PARAMS_K, PARAMS_R = 10_000, 50, 50
PARAMS_EXPECTED = PARAMS_N * PARAMS_R + PARAMS_K * PARAMS_R ** 2


def _check_params(answer):
    return compare_value(answer, PARAMS_EXPECTED, rtol=0, atol=0.5, name="the number of parameters", traps=[
        (PARAMS_N * PARAMS_R + PARAMS_R ** 2, "you counted one R_k; every one of the K relations has its own r x r matrix."),
        (PARAMS_K * (PARAMS_N * PARAMS_R + PARAMS_R ** 2), "A is shared by all relations: count it once, not once per relation."),
        (PARAMS_N * PARAMS_N * PARAMS_K, "that is the number of tensor entries, not of model parameters."),
    ], trap_rtol=0)


EX_PARAMS = Exercise(
    key="rescal-parameters",
    question=(f"How many real numbers does a RESCAL model have for n = {PARAMS_N:,} entities, "
              f"K = {PARAMS_K} relations and rank r = {PARAMS_R}?"),
    checker=_check_params,
    solution=(f"One embedding matrix A (n x r) shared by all relations plus one r x r matrix per relation: "
              f"``n*r + K*r**2 = {PARAMS_N}*{PARAMS_R} + {PARAMS_K}*{PARAMS_R}**2 = {PARAMS_EXPECTED:,}``, "
              f"against n²K = {PARAMS_N ** 2 * PARAMS_K:,} entries of the tensor."),
)
check_params = EX_PARAMS.check

# 2. Average precision by hand ---------------------------------------------------------------
AP_SCORES = [0.9, 0.8, 0.7, 0.6, 0.5]
AP_LABELS = [1, 0, 1, 0, 1]
AP_EXPECTED = (1 / 1 + 2 / 3 + 3 / 5) / 3  # = 0.7556


def _check_ap(answer):
    return compare_value(answer, AP_EXPECTED, rtol=1e-3, name="AUC-PR", traps=[
        (3 / 5, "0.6 is the precision at the last threshold only; average the precision at every recall step."),
        (1 + 2 / 3 + 3 / 5, "divide by the number of positives (each recall step is 1/3)."),
    ], trap_rtol=0, trap_atol=1e-3)


EX_AP = Exercise(
    key="auc-pr-by-hand",
    question=(f"Five held-out entries get scores {AP_SCORES} and truth {AP_LABELS}. "
              "Compute the AUC-PR as average precision (precision at each recall step, averaged)."),
    checker=_check_ap,
    solution=("Walk down the ranking: the positives are at positions 1, 3 and 5, where the precision is "
              "1/1, 2/3 and 3/5. Each one adds a recall step of 1/3: AP = (1 + 2/3 + 3/5)/3 ≈ 0.7556. "
              "Check: ``kg.auc_pr(AP_SCORES, AP_LABELS)``."),
)
check_ap = EX_AP.check

# 3. Filtered rank ---------------------------------------------------------------------------
RANK_SCORES = {"Star_Trek_Into_Darkness": 0.9, "Star_Trek_2009": 0.8, "Star_Wars": 0.6,
               "Star_Trek_II_The_Wrath_of_Khan": 0.5, "Jaws": 0.4}
RANK_KNOWN = ("Star_Trek_2009",)  # already in the training graph
RANK_TARGET = "Star_Trek_II_The_Wrath_of_Khan"
RANK_EXPECTED = 3  # Into Darkness and Star Wars outrank it; Star Trek 2009 is filtered out


def _check_rank(answer):
    return compare_value(answer, RANK_EXPECTED, rtol=0, atol=1e-9, name="the filtered rank", traps=[
        (4, "4 is the raw rank: Star Trek 2009 is a known true answer and must be filtered out."),
        (1 / 3, "that is the reciprocal rank; the question asks for the rank itself."),
    ], trap_rtol=0, trap_atol=1e-3)


EX_RANK = Exercise(
    key="filtered-rank",
    question=("For the query (Leonard Nimoy, starredIn, ?) a model gives the scores "
              f"{RANK_SCORES}. Star Trek 2009 is already known to be true. What is the filtered rank "
              f"of the test answer {RANK_TARGET}?"),
    checker=_check_rank,
    solution=("Remove the other known answer (Star Trek 2009), then count who scores higher than 0.5: "
              "Into Darkness (0.9) and Star Wars (0.6). Filtered rank = 1 + 2 = 3 (raw rank 4). "
              "Its reciprocal 1/3 enters the MRR; it counts for Hits@3 and Hits@10, not Hits@1. "
              "(Into Darkness is in fact true too: Nimoy has a cameo as Spock in it. The film is an entity of our graph, "
              "with its director and its sequelOf edge; it is the triple (Nimoy, starredIn, Into Darkness) that is missing.)"),
)
check_rank = EX_RANK.check

# 4. Where do negatives come from? -------------------------------------------------------------
WORLD_CHOICES = {
    "closed": "Right: the K-fold protocol scores every held-out cell and counts every cell that is not a "
              "known triple as a negative, exactly the closed-world assumption.",
    "open": "Under the open-world assumption a missing triple is unknown, not false, so there would be no "
            "negatives to compute a precision with. Look at how `labels` is built in `kfold_link_prediction`.",
    "local-closed": "The local closed-world assumption only treats (s, p, o') as false if (s, p) has some known "
                    "object; the K-fold protocol does not check that: it uses every cell.",
}

EX_WORLD = Exercise(
    key="world-assumption",
    question=("The AUC-PR protocol of §4 labels every held-out tensor cell that is not a known triple as 0. "
              "Which assumption is that: 'closed', 'open' or 'local-closed'?"),
    checker=lambda answer: compare_choice(answer, "closed", WORLD_CHOICES, name="your assumption"),
    solution=("**closed**: every unobserved cell counts as false. This is why the 'false positive' "
              "(Nimoy, starredIn, Star Trek Into Darkness) costs precision even though it is true: the graph is "
              "incomplete. The local closed-world assumption would not rescue it: Nimoy has known starredIn objects, so "
              "under the LCWA every other film, Into Darkness included, is a negative for (Nimoy, starredIn, ?) too. "
              "Only the open world leaves it unknown; a missing fact of a subject with known objects is exactly "
              "what the LCWA gets wrong."),
)
check_world = EX_WORLD.check

# 5–7. Coding exercises ---------------------------------------------------------------------

def r_step_reference(A, Xk, lam):
    """RESCAL's R-step for one relation: ``argmin_R ‖X_k − A R Aᵀ‖² + λ‖R‖²`` via the thin SVD of A."""
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)
    ss = np.outer(s, s)
    denom = ss ** 2 + lam
    shrink = np.divide(ss, denom, out=np.zeros_like(ss), where=denom > 0)
    return Vt.T @ (shrink * (U.T @ np.asarray(Xk, dtype=float) @ U)) @ Vt


def _r_step_no_ridge(A, Xk, lam):
    return r_step_reference(A, Xk, 0.0)


def _r_step_shrink_once(A, Xk, lam):  # divides by s_i s_j + λ instead of s_i² s_j² + λ
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)
    ss = np.outer(s, s)
    return Vt.T @ ((1.0 / (ss + lam)) * (U.T @ np.asarray(Xk, dtype=float) @ U)) @ Vt


def _r_cases():
    rng = np.random.default_rng(4)
    A = rng.standard_normal((6, 3))
    X = (rng.random((6, 6)) < 0.3).astype(float)
    A_rank1 = np.outer(rng.standard_normal(5), [1.0, 2.0])  # rank-deficient A (a zero singular value)
    return [(A, X, 0.5), (A, X, 0.0), (A, np.zeros((6, 6)), 1.0), (A_rank1, np.eye(5), 0.1), (A, X, 100.0)]


R_LABELS = ["a random 6 x 3 A, λ = 0.5", "λ = 0 (plain least squares)", "an empty slice",
            "A of rank 1 (a zero singular value)", "a large λ = 100"]

EX_RSTEP = Exercise(
    key="code-r-step",
    question=("Write `r_step(A, Xk, lam)`: the R_k that minimises ‖X_k − A R Aᵀ‖²_F + λ‖R‖²_F for a fixed A "
              "(dense arrays). Use the thin SVD A = U S Vᵀ (the formula of §3); a zero singular value must not divide by zero."),
    checker=lambda f: compare_function(f, r_step_reference, _r_cases(), rtol=1e-6, atol=1e-9, name="your r_step",
                                       labels=R_LABELS, traps=[
        (_r_step_no_ridge, "you ignore λ: the denominator is s_i² s_j² + λ."),
        (_r_step_shrink_once, "the factor is s_i s_j / (s_i² s_j² + λ): the design A⊗A has singular values s_i s_j, "
                              "ridge divides σ by σ² + λ."),
    ]),
    solution=(
        "```python\n"
        "def r_step(A, Xk, lam):\n"
        "    U, s, Vt = np.linalg.svd(A, full_matrices=False)\n"
        "    ss = np.outer(s, s)\n"
        "    denom = ss**2 + lam\n"
        "    shrink = np.divide(ss, denom, out=np.zeros_like(ss), where=denom > 0)\n"
        "    return Vt.T @ (shrink * (U.T @ Xk @ U)) @ Vt\n"
        "```\n"
        "The design of the ridge regression is A⊗A, whose singular values are s_i s_j with singular vectors "
        "u_i⊗u_j: ridge shrinks each coordinate by σ/(σ² + λ), and a zero singular value gives 0, not 0/0."),
)
check_r_step = EX_RSTEP.check


def filtered_rank_reference(scores, target, known):
    """1 + #(others scoring higher) + #(others tied)/2, with the other known answers removed (exact comparisons)."""
    scores = np.asarray(scores, dtype=float)
    keep = np.ones(scores.size, dtype=bool)
    keep[np.asarray(list(known), dtype=int)] = False
    keep[target] = False
    t, others = scores[target], scores[keep]
    return 1.0 + float(np.sum(others > t)) + 0.5 * float(np.sum(others == t))


def _rank_raw(scores, target, known):
    s = np.asarray(scores, dtype=float)
    return 1.0 + float(np.sum(s > s[target])) + 0.5 * float(np.sum(s == s[target]) - 1)


def _rank_ties_pessimistic(scores, target, known):
    s = np.asarray(scores, dtype=float)
    keep = np.ones(s.size, dtype=bool)
    keep[list(known)] = False
    keep[target] = False
    return 1.0 + float(np.sum(s[keep] >= s[target]))


def _rank_ties_optimistic(scores, target, known):
    s = np.asarray(scores, dtype=float)
    keep = np.ones(s.size, dtype=bool)
    keep[list(known)] = False
    keep[target] = False
    return 1.0 + float(np.sum(s[keep] > s[target]))


RANK_CASES = [([0.9, 0.8, 0.6, 0.5, 0.4], 3, [1]), ([0.1, 0.5, 0.5, 0.5, 0.2], 2, []), ([0.3, 0.3, 0.3], 0, [1]),
              ([0.9, 0.1, 0.2], 0, []), ([0.2, 0.9, 0.2, 0.9, 0.0], 2, [1, 3]), ([0.0, 0.0, 0.0, 0.0], 1, [1])]
RANK_LABELS = ["exercise 3's query", "a three-way tie", "a tie with a known answer", "the target is best",
               "all better ones are known", "the target listed among the known answers"]

EX_RANKCODE = Exercise(
    key="code-filtered-rank",
    question=("Write `filtered_rank(scores, target, known)`: the rank of `scores[target]` among all candidates after "
              "removing the other known answers `known` (a list of indices, which may contain `target`); ties count half."),
    checker=lambda f: compare_function(f, filtered_rank_reference, RANK_CASES, rtol=0, atol=1e-12,
                                       name="your filtered_rank", labels=RANK_LABELS, traps=[
        (_rank_raw, "you did not filter: the other known answers must be removed before counting."),
        (_rank_ties_pessimistic, "a tied candidate counts half a place, not a whole one."),
        (_rank_ties_optimistic, "ties are not free: each tied candidate counts half a place."),
    ]),
    solution=(
        "```python\n"
        "def filtered_rank(scores, target, known):\n"
        "    scores = np.asarray(scores, float)\n"
        "    keep = np.ones(scores.size, bool)\n"
        "    keep[list(known)] = False\n"
        "    keep[target] = False\n"
        "    t, others = scores[target], scores[keep]\n"
        "    return 1 + np.sum(others > t) + 0.5 * np.sum(others == t)\n"
        "```\n"
        "Counting ties half is the expected rank if ties were broken at random; it stops a constant scorer from "
        "getting rank 1 (optimistic) or rank n (pessimistic)."),
)
check_filtered_rank = EX_RANKCODE.check


def average_precision_reference(scores, labels):
    """Average precision over distinct thresholds (scikit-learn's ``average_precision_score``)."""
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    tp = np.cumsum(y)[last]
    precision, recall = tp / (last + 1), tp / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _ap_trapezoid(scores, labels):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    order = np.argsort(-s, kind="mergesort")
    y = y[order]
    tp = np.cumsum(y)
    p, r = tp / np.arange(1, y.size + 1), tp / y.sum()
    return float(np.trapezoid(np.r_[1.0, p], np.r_[0.0, r]) if hasattr(np, "trapezoid") else np.trapz(np.r_[1.0, p], np.r_[0.0, r]))


def _ap_ignore_ties(scores, labels):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    y = y[np.argsort(-s, kind="mergesort")]
    tp = np.cumsum(y)
    return float(np.sum(y * tp / np.arange(1, y.size + 1)) / y.sum())


AP_CASES = [(AP_SCORES, AP_LABELS), ([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 1]), ([0.9, 0.5, 0.5, 0.1], [0, 1, 0, 1]),
            ([3.0, 2.0, 1.0], [1, 1, 1]), ([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1, 0, 0, 0, 0, 0])]
AP_CASE_LABELS = ["exercise 2's five entries", "all scores tied", "a tie in the middle", "every entry positive",
                  "the positive scored lowest"]

EX_APCODE = Exercise(
    key="code-average-precision",
    question=("Write `average_precision(scores, labels)`: AP = Σ_n (R_n − R_{n−1}) P_n over the *distinct* score "
              "thresholds, highest first (tied scores form one threshold), as scikit-learn's `average_precision_score`."),
    checker=lambda f: compare_function(f, average_precision_reference, AP_CASES, rtol=1e-9, atol=1e-12,
                                       name="your average_precision", labels=AP_CASE_LABELS, traps=[
        (_ap_ignore_ties, "tied scores are one threshold: they enter the curve together, in no order."),
        (_ap_trapezoid, "that is the trapezoid area, which is optimistic for PR curves; AP sums rectangles R_n − R_{n−1} wide "
                        "and P_n high."),
    ]),
    solution=(
        "```python\n"
        "def average_precision(scores, labels):\n"
        "    s, y = np.asarray(scores, float), np.asarray(labels, int)\n"
        "    order = np.argsort(-s, kind='mergesort')\n"
        "    s, y = s[order], y[order]\n"
        "    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]   # end of each group of ties\n"
        "    tp = np.cumsum(y)[last]\n"
        "    precision, recall = tp / (last + 1), tp / y.sum()\n"
        "    return np.sum(np.diff(np.r_[0, recall]) * precision)\n"
        "```\n"
        "Check: `sklearn.metrics.average_precision_score(labels, scores)` gives the same on every case."),
)
check_average_precision = EX_APCODE.check

EXERCISES = [EX_PARAMS, EX_AP, EX_RANK, EX_WORLD, EX_RSTEP, EX_RANKCODE, EX_APCODE]
