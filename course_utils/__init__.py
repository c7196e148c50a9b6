"""course_utils: the tested helper package behind the lecture notebooks.

Packages
--------
core            what every lecture shares: the course style (``plotting``), controls and the
                live figure (``widgets``, ``blit``), background work (``background``), exercise
                checking (``exercises``)
performer       Lecture 1 — Performer kernels: random features, FAVOR+ attention
regularization  Lecture 2 — L1/L2 geometry: norms, lasso/ridge, the constrained view
perplexity      Lecture 3 — perplexity: the frozen corpus, n-gram models, dice
kg              Lecture 4 — knowledge graphs: tensors, RESCAL, link prediction
tools           maintainer tooling: figures, the site, notebook execution, environment check

Each lecture package is the lecture's public face: a notebook writes ``from course_utils import
performer`` and calls ``performer.favor_attention(...)``, ``performer.favor_widget()``; its
modules split the lecture by idea (computation, experiments, plots, widgets, exercises, figures).

Importing this package has no side effects: no seeding, no rcParams changes.
"""
__version__ = "0.1.0"
