"""Lecture 4 — knowledge graphs: triples, tensors, RESCAL and link prediction.

The lecture's public face: ``from course_utils import kg`` gives every function below.

Modules
-------
graph        triples, ``KnowledgeGraph`` and its tensor, the movie graph, planted graphs
tensor       the tensor as K sparse slices: input checks, norms, BLAS threads
rescal       RESCAL by alternating least squares (``X_k ≈ A R_k Aᵀ``)
evaluation   AUC-PR, filtered ranks, MRR / Hits@k, K-fold cross-validation over entries, ties
baselines    path features, common neighbours, group recovery
datasets     Nations and UMLS with their standard splits (shipped in course_utils/data/kg/)
protocol     hyperparameters on validation, ranking over seeds, random baseline, Nations / UMLS
negatives    sampled negatives (sLCWA / LCWA corruption) and the logistic-loss bilinear model
experiments  ``compute_*(params) -> result``: the lecture's experiments
plots        ``draw_*(result, ax=None)``
widgets      the sliders
exercises    ``check_*()`` and the exercises
figures      the committed figures (``FIGURES``)
"""
from .baselines import (
    MAX_DENSE_N,
    CommonNeighboursModel,
    PathFeatureModel,
    common_neighbours_fitter,
    group_recovery,
    path_feature_fitter,
)
from .datasets import (
    BENCHMARKS,
    PUBLISHED_AUC_PR,
    PUBLISHED_CONVE,
    BenchmarkKG,
    linked_test_share,
    load_benchmark,
)
from .evaluation import (
    MAX_ENTRIES,
    TIE_RTOL,
    KFoldResult,
    auc_pr,
    filtered_rank,
    filtered_ranks,
    kfold_link_prediction,
    precision_recall_points,
    ranking_metrics,
    rescal_fitter,
    snap_ties,
    tensor_positions,
)
from .exercises import (
    AP_EXPECTED,
    AP_LABELS,
    AP_SCORES,
    EX_AP,
    EX_APCODE,
    EX_PARAMS,
    EX_RANK,
    EX_RANKCODE,
    EX_RSTEP,
    EX_WORLD,
    EXERCISES,
    PARAMS_EXPECTED,
    PARAMS_K,
    PARAMS_N,
    PARAMS_R,
    RANK_EXPECTED,
    RANK_KNOWN,
    RANK_SCORES,
    RANK_TARGET,
    WORLD_CHOICES,
    check_ap,
    check_average_precision,
    check_filtered_rank,
    check_params,
    check_r_step,
    check_rank,
    check_world,
)
from .experiments import (
    COLLECTIVE_TRIPLE,
    LINK_MAX_ITER,
    LINK_TOL,
    MOVIE_LAMBDA,
    MOVIE_RANK,
    PLANTED_SIZES,
    CollectiveExample,
    CollectiveRanking,
    LinkPredictionResult,
    PlantedScaleResult,
    RescalFit,
    TopPredictions,
    collective_ranking,
    compute_collective_example,
    compute_link_prediction,
    compute_planted_scale,
    compute_rescal_fit,
    compute_top_predictions,
    count_negatives,
    embedding_2d,
    format_mean_std,
    rescal_parameter_count,
    time_call,
)
from .figures import (
    figure_movie_graph,
    figure_planted_groups,
    figure_rescal_fit,
    figure_tensor_slices,
)
from .graph import (
    MOVIE_SCHEMA,
    MOVIES_PATH,
    TYPE_ORDER,
    KnowledgeGraph,
    PlantedKG,
    entity_types,
    load_movies,
    load_triples,
    planted_kg,
    train_test_split_triples,
)
from .negatives import (
    LOGISTIC_LAMBDAS,
    LOGISTIC_PARAMS,
    LOGISTIC_RANKS,
    NegativesComparison,
    compute_negatives_comparison,
    corrupt_triples,
    fit_bilinear_logistic,
    select_logistic,
)
from .plots import (
    RELATION_COLORS,
    STAR_TREK_FILMS,
    TYPE_COLORS,
    draw_embeddings,
    draw_fit_history,
    draw_graph,
    draw_planted_slice,
    draw_pr_curves,
    draw_reconstruction,
    draw_relation_comparison,
    draw_scale,
    draw_tensor_slices,
    draw_top_predictions,
    graph_layout,
    neighbourhood,
)
from .plots_protocol import draw_benchmarks, draw_lambda_sweep, draw_relation_matrices
from .protocol import (
    MOVIE_LAMBDAS,
    MOVIE_RANKS,
    PATH_ALPHAS,
    PROTOCOL_MAX_ITER,
    PROTOCOL_TOL,
    compute_benchmark,
    compute_closed_world_fit,
    compute_lambda_sweep,
    compute_movie_ranking,
    compute_tuned_kfold,
    random_ranking_metrics,
    select_rescal,
    tuned_rescal_fitter,
)
from .reading import ReadingResult, compute_reading, diagonal_relations
from .rescal import (
    DENSE_EIGH_MAX_N,
    NVECS_TIE_RTOL,
    NVECS_TIE_SEED,
    RescalHistory,
    RescalModel,
    rescal_als,
    score_triples,
)
from .tensor import (
    check_slices,
    single_threaded_blas,
    tensor_sqnorm,
)
from .widgets import (
    RECOVERY_DEGREES,
    RECOVERY_N,
    planted_recovery_widget,
    planted_scale_widget,
    rescal_fit_widget,
    top_predictions_widget,
)
