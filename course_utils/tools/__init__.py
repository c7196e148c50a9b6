"""Maintainer tooling, not imported by the lectures' code.

Modules
-------
figures         ``python -m course_utils.tools.figures [NAME ...]`` regenerates ``figures/``
site            ``python -m course_utils.tools.site`` (``make site``) writes the offline, accessible site
site_pages      one executed notebook as one page's HTML (markdown and MathML, outputs, live sliders)
site_kernel     what the site build runs in each notebook's kernel (text alternatives, slider frames)
site_assets     the site's style sheet and script
mathml          LaTeX in markdown as MathML (no MathJax, no network)
notebook_tools  build notebooks from their MyST ``.md`` sources and execute them (``make execute``)
environment     the environment check of the index notebook
"""
