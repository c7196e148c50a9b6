"""course_utils: the tested helper package behind the lecture notebooks.

Modules
-------
plotting      one visual style (applied explicitly), ``save_figure``
widgets       sliders -> compute -> one reused figure (:func:`live_figure`)
exercises     ``Exercise``: ``check_*()`` with specific hints, solutions revealed on demand
figures       ``python -m course_utils.figures`` regenerates ``figures/``
environment   the environment check of the index notebook

Lecture modules (imported by their notebooks): ``performer`` (1), ``regularization`` (2),
``perplexity`` (3), ``kg`` (4), each with its own plots and exercises.

Importing this package has no side effects: no seeding, no rcParams changes.
"""
__version__ = "0.1.0"
