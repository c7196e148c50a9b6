"""Lecture 4 — reading the model: R_k at a small rank, and DistMult as RESCAL with diagonal R_k."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from course_utils.core.validation import check_float
from course_utils.kg.experiments import compute_rescal_fit
from course_utils.kg.graph import TYPE_ORDER, entity_types, load_movies


def diagonal_relations(A: np.ndarray, slices, lam: float = 1.0) -> np.ndarray:
    """DistMult's relation vectors for fixed embeddings: ``r_k = argmin ‖X_k − A diag(r) Aᵀ‖² + λ‖r‖²``.

    With columns a_i of A, ``A diag(r) Aᵀ = Σ_i r_i a_i a_iᵀ``: a ridge regression with Gram matrix
    ``(AᵀA) ∘ (AᵀA)`` and right-hand side ``diag(Aᵀ X_k A)``. Returns shape (K, r)."""
    A = np.asarray(A, dtype=float)
    lam = check_float(lam, "lam", ge=0)
    G = A.T @ A
    M = G * G + lam * np.eye(A.shape[1])
    return np.stack([np.linalg.solve(M, np.einsum("ij,ij->j", A, Xk @ A)) for Xk in slices])


@dataclass
class ReadingResult:
    """R_k of a small-rank fit with each latent dimension's loading per entity type, and the direction test."""

    rank: int
    R: np.ndarray               # (K, r, r)
    loadings: np.ndarray        # (n_types, r): mean |a_i| over the entities of each type
    types: tuple
    relations: tuple
    pairs: list                 # the sequelOf facts (s, o) as names
    rescal: np.ndarray          # (m, 2): RESCAL scores of (s, sequelOf, o) and (o, sequelOf, s)
    distmult: np.ndarray        # (m, 2): the same with diagonal R_k


@functools.lru_cache(maxsize=2)
def compute_reading(rank: int = 5, lam: float = 1.0, direction_rank: int = 40) -> ReadingResult:
    """R_k of RESCAL fitted at a small ``rank`` on the movie graph; then, at ``direction_rank``, DistMult's
    diagonals fitted on RESCAL's A, and every sequelOf fact scored both ways by both models."""
    g = load_movies()
    fit = compute_rescal_fit(rank, lam)
    A, R = np.asarray(fit.model.A), np.asarray(fit.model.R)
    small_R = R
    types = np.array(entity_types(g))
    present = tuple(t for t in TYPE_ORDER if np.any(types == t))
    loadings = np.stack([np.abs(A[types == t]).mean(axis=0) for t in present])
    fit = compute_rescal_fit(direction_rank, lam)
    A, R = np.asarray(fit.model.A), np.asarray(fit.model.R)
    X = g.to_tensor()
    D = diagonal_relations(A, X, lam)
    k = g.relation_index("sequelOf")
    facts = g.triples[g.triples[:, 1] == k]
    resc = np.array([[A[s] @ R[k] @ A[o], A[o] @ R[k] @ A[s]] for s, _, o in facts])
    dist = np.array([[A[s] @ (D[k] * A[o]), A[o] @ (D[k] * A[s])] for s, _, o in facts])
    pairs = [(g.entities[s], g.entities[o]) for s, _, o in facts]
    return ReadingResult(rank, small_R, loadings, present, g.relations, pairs, resc, dist)
