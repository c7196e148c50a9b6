"""Exercises of Lecture 4 (knowledge graphs, RESCAL), with hints and revealable solutions."""
from __future__ import annotations

from course_utils.core.exercises import Exercise, compare_choice, compare_value

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
              "(Into Darkness is in fact true too: Nimoy has a cameo in it, but it is not in our graph.)"),
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
              "incomplete. The local closed-world assumption would be a safer source of negatives."),
)
check_world = EX_WORLD.check

EXERCISES = [EX_PARAMS, EX_AP, EX_RANK, EX_WORLD]
