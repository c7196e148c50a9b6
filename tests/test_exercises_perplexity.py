"""Lecture exercises of ``course_utils.perplexity``: each checker accepts what its solution gives and hints at typical mistakes."""
import pytest
from exercise_support import assert_solutions_accepted, assert_trap

from course_utils.perplexity import coding
from course_utils.perplexity import exercises as lecture

SOLUTIONS = {"unfair-die": 4.47, "bits-to-perplexity": 170, "add-one": 0.00226, "unsmoothed-test": "infinite",
             "compare-vocabularies": "cannot tell",
             "perplexity-from-logprobs": coding.perplexity_from_logprobs, "add-k-bigram": coding.add_k_bigram,
             "kneser-ney-by-hand": coding.kneser_ney_bigram_prob}

TRAPS = [
    ("unfair-die", 6.0, "geometric"),
    ("perplexity-from-logprobs", coding._pp_counting_bos, "<s> is never predicted"),
    ("perplexity-from-logprobs", coding._pp_without_eos, "</s> is predicted"),
    ("perplexity-from-logprobs", coding._pp_base2, "natural logs"),
    ("add-k-bigram", coding._add_k_plus_k, "+ k·V"),
    ("add-k-bigram", coding._add_k_column_sums, "sum of a row"),
    ("kneser-ney-by-hand", coding._kn_raw_unigram, "distinct left neighbours"),
]


def test_every_exercise_accepts_the_value_its_solution_text_gives(capsys):
    assert_solutions_accepted(lecture.EXERCISES, SOLUTIONS, capsys)


@pytest.mark.parametrize("key, wrong, fragment", TRAPS)
def test_checkers_give_the_hint_of_each_typical_mistake(key, wrong, fragment, capsys):
    assert_trap(lecture.EXERCISES, key, wrong, fragment, capsys)
