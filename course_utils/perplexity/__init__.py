"""Lecture 3 — perplexity as a weighted branching factor.

The lecture's public face: ``from course_utils import perplexity`` gives every function below.

Modules
-------
corpus       the frozen corpus (Python 3.11 language reference), tokeniser, a hash split, your own text
counts       n-gram counting helpers
ngram        ``NGramModel``: add-k, interpolated and Kneser–Ney n-gram models
metrics      perplexity, cross-entropy, entropy; dice; the branching factor; underflow
experiments  ``compute_*(params) -> result``: model tables, vocabulary sweep, add-k curves
plots        ``draw_*(result, ax=None)``
widgets      the sliders
bridge       words against characters: perplexity per token and bits per character
sampling     sentence sampling (mixed into NGramModel)
lessons      small computations behind single slides (continuation counts, samples, a die with memory)
exercises    ``check_*()`` and the exercises; coding: the coding exercises
figures      the committed figures (``FIGURES``)
"""
from .bridge import (
    TokenisationResult,
    char_sentences,
    compute_tokenisations,
    n_characters,
    spelling_bits,
)
from .coding import (
    CODING_EXERCISES,
    EX_ADD_K,
    EX_KN,
    EX_PP_LOGPROBS,
    TOY_CORPUS,
    add_k_bigram,
    check_add_k_bigram,
    check_kneser_ney,
    check_perplexity_from_logprobs,
    kneser_ney_bigram_prob,
    perplexity_from_logprobs,
)
from .corpus import (
    FROZEN_FILE,
    FROZEN_FROM,
    FROZEN_MIN_WORDS,
    FROZEN_NAME,
    Corpus,
    format_sentences,
    freeze_python_docs,
    frozen_path,
    load_python_docs,
    load_text_file,
    parse_sentences,
    prose_paragraphs,
    python_docs_sentences,
    python_docs_text,
    split_bucket,
    split_corpus,
    split_sentences,
    text_to_sentences,
    tokenize,
)
from .counts import (
    BOS,
    EOS,
    SMOOTHINGS,
    UNK,
    TopOrderCounts,
    check_int,
    check_sentences,
    default_lambdas,
    estimate_discount,
)
from .exercises import (
    ADD_ONE_CONTEXT,
    ADD_ONE_P,
    ADD_ONE_PAIR,
    ADD_ONE_V,
    BITS,
    BITS_PP,
    EX_ADD_ONE,
    EX_BITS,
    EX_MLE,
    EX_UNFAIR_DIE,
    EX_VOCAB,
    EXERCISES,
    MLE_CHOICES,
    UNFAIR_DIE_PP,
    VOCAB_CHOICES,
    check_add_one,
    check_bits,
    check_unfair_die,
    check_unsmoothed,
    check_vocabulary,
)
from .experiments import (
    DISCOUNT_CLIP,
    K_GRID,
    AddKCurve,
    ModelTable,
    UnkSelection,
    VocabularySweep,
    compute_add_k_curve,
    compute_model_table,
    compute_unk_selection,
    compute_vocabulary_sweep,
    fit_model,
    tune_k,
    tuning_note,
)
from .figures import (
    figure_branching,
    figure_die,
    figure_model_table,
    figure_vocabulary,
)
from .lessons import (
    BootstrapResult,
    Continuation,
    DieBigramResult,
    compute_bootstrap,
    compute_continuation,
    compute_die_bigram,
    most_diverse_partner,
    sample_sentences,
)
from .metrics import (
    DIST_ATOL,
    SLP3_WSJ,
    SLP3_WSJ_SETUP,
    BranchingResult,
    DieResult,
    UnderflowResult,
    check_distribution,
    check_probabilities,
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
from .ngram import (
    NGramModel,
)
from .plots import (
    SMOOTHING_COLORS,
    add_k_data,
    draw_add_k_curve,
    draw_branching,
    draw_die,
    draw_model_table,
    draw_tokenisations,
    draw_underflow,
    draw_vocabulary_sweep,
)
from .widgets import (
    add_k_widget,
    branching_widget,
    die_readout,
    die_widget,
    tokenisation_readout,
    tokenisation_widget,
)
