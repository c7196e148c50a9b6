"""course_utils: the tested helper package behind the lecture notebooks.

Modules
-------
plotting      one visual style (applied explicitly), ``save_figure``
widgets       sliders -> compute -> one reused figure (:func:`live_figure`)
exercises     ``Exercise``: ``check_*()`` with specific hints, solutions revealed on demand
figures       ``python -m course_utils.figures`` regenerates ``figures/``
environment   the environment check of the index notebook

Lecture modules (imported by their notebooks), each with ``*_plots`` (drawing, widgets,
``FIGURES``) and ``*_exercises`` (``check_*()`` functions):

1. ``performer``: softmax kernel, random features, orthogonal features, FAVOR+ attention
2. ``regularization``: norms, lasso/ridge solvers, exact constrained optima, λ ↔ t
3. ``perplexity`` (metrics, dice), ``ngram`` (smoothed n-gram models), ``corpus`` (tokeniser, loaders)
4. ``kg`` (triples, graphs, tensors), ``rescal`` (ALS), ``kg_eval`` (AUC-PR, ranks, K-fold, baselines)

``notebook_tools`` builds and executes notebooks (maintainers).

Importing this package has no side effects: no seeding, no rcParams changes.
"""
__version__ = "0.1.0"
