"""Maintainer tooling, not imported by the lectures' code.

Modules
-------
figures         ``python -m course_utils.tools.figures [NAME ...]`` regenerates ``figures/``
handouts        ``python -m course_utils.tools.handouts`` writes offline HTML handouts
notebook_tools  build notebooks from their MyST ``.md`` sources and execute them (``make execute``)
environment     the environment check of the index notebook
"""
