"""Lecture 4: triples, the knowledge graph, the shipped movie data, the planted generator."""
import numpy as np
import pytest
import scipy.sparse as sp

from course_utils import kg


def write(tmp_path, text, name="g.tsv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_load_triples_skips_comments_and_blank_lines(tmp_path):
    p = write(tmp_path, "# header\n\na\tr\tb\n  \nb\tr\tc\r\n")
    assert kg.load_triples(p) == [("a", "r", "b"), ("b", "r", "c")]


@pytest.mark.parametrize("text, match", [
    ("a\tr\tb\na r b\n", r"line 2: expected 3 tab-separated fields"),
    ("# c\na\tr\tb\tc\n", r"line 2: expected 3 .* got 4"),
    ("a\tr\tb\na\t\tb\n", r"line 2: empty field"),
    ("a\tr\tb\n\na\tr\tb\n", r"line 3: duplicate triple .*first on line 1"),
    ("# only a comment\n", r"contains no triples"),
])
def test_load_triples_malformed_lines_give_line_numbers(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        kg.load_triples(write(tmp_path, text))


def test_knowledge_graph_tensor_matches_triples():
    g = kg.KnowledgeGraph.from_triples([("a", "likes", "b"), ("b", "likes", "c"), ("a", "knows", "c")])
    assert g.entities == ("a", "b", "c") and g.relations == ("likes", "knows")
    X = g.to_tensor()
    assert len(X) == 2 and all(sp.isspmatrix_csr(x) or isinstance(x, sp.csr_matrix) for x in X)
    assert all(x.shape == (3, 3) for x in X)
    np.testing.assert_array_equal(X[0].toarray(), [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(X[1].toarray(), [[0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert g.decode(g.encode([("a", "knows", "c")])) == [("a", "knows", "c")]


def test_unknown_entity_and_relation_errors():
    g = kg.load_movies()
    with pytest.raises(ValueError, match=r"unknown entity 'Leonard_Nimoi'.*Leonard_Nimoy"):
        g.entity_index("Leonard_Nimoi")
    with pytest.raises(ValueError, match=r"unknown relation 'actedIn'.*starredIn"):
        g.relation_index("actedIn")
    with pytest.raises(ValueError, match="unknown entity"):
        kg.compute_top_predictions("Nobody", "starredIn")


def test_movie_graph_size_types_and_schema():
    g = kg.load_movies()
    assert 100 <= len(g.triples) <= 300
    assert g.relations == tuple(kg.MOVIE_SCHEMA)
    types = kg.entity_types(g)
    # entities are ordered by type, then name
    assert [kg.TYPE_ORDER.index(t) for t in types] == sorted(kg.TYPE_ORDER.index(t) for t in types)
    for s, p, o in g.triples.tolist():
        dom, rng_ = kg.MOVIE_SCHEMA[g.relations[p]]
        assert types[s] == dom and types[o] == rng_
    # consistency: an actor who played a character in a film starred in it
    facts = set(g.decode(g.triples))
    for a, p, c in facts:
        if p == "played":
            films = {f for c2, q, f in facts if q == "characterIn" and c2 == c}
            assert any((a, "starredIn", f) in facts for f in films), (a, c)
    # a few facts we rely on in the notebook
    for t in [("Leonard_Nimoy", "played", "Spock"), ("Spock", "characterIn", "Star_Trek_II_The_Wrath_of_Khan"),
              ("Leonard_Nimoy", "starredIn", "Star_Trek_II_The_Wrath_of_Khan"),
              ("Star_Trek_II_The_Wrath_of_Khan", "directedBy", "Nicholas_Meyer")]:
        assert t in facts
    assert ("Leonard_Nimoy", "starredIn", "Star_Trek_Into_Darkness") not in facts  # used as an open-world example


def test_data_readme_counts_match_the_file():
    g = kg.load_movies()
    readme = (kg.MOVIES_PATH.parent / "README.md").read_text(encoding="utf-8")
    import re

    types = kg.entity_types(g)
    for k, rel in enumerate(g.relations):
        count = int(np.sum(g.triples[:, 1] == k))
        dom, ran = kg.MOVIE_SCHEMA[rel]
        assert re.search(rf"\| `{rel}` \| {dom} \| {ran} \| {count} \|", readme), rel
    assert f"about {types.count('film')} well-known films" in readme
    assert f"{len(g.triples)} facts" in readme


def test_entity_types_conflict():
    g = kg.KnowledgeGraph.from_triples([("x", "starredIn", "y"), ("y", "played", "z")])
    with pytest.raises(ValueError, match="is both a film and a actor"):
        kg.entity_types(g)


def test_planted_kg_structure():
    g = kg.planted_kg(120, 4, 3, density=0.5, noise=0.0, rng=np.random.default_rng(0))
    assert len(g.slices) == 4 and g.groups.shape == (120,) and g.blocks.shape == (4, 3, 3)
    assert np.bincount(g.groups).tolist() == [40, 40, 40]
    for k, X in enumerate(g.slices):
        i, j = X.nonzero()
        assert np.all(g.blocks[k, g.groups[i], g.groups[j]])  # noise 0: only linked blocks
        assert set(np.unique(X.data)) == {1.0}
        linked = sum(np.sum(g.groups == a) * np.sum(g.groups == b) for a, b in zip(*np.nonzero(g.blocks[k])))
        # Bernoulli(0.5) inside linked blocks: within 5 standard deviations
        assert abs(X.nnz - 0.5 * linked) < 5 * np.sqrt(0.25 * linked)
    assert np.all(g.blocks.any(axis=2))  # every group links somewhere in every relation


def test_planted_kg_noise_fraction():
    g = kg.planted_kg(300, 2, 3, density=0.2, noise=0.3, rng=np.random.default_rng(1))
    for k, X in enumerate(g.slices):
        i, j = X.nonzero()
        off = ~g.blocks[k, g.groups[i], g.groups[j]]
        linked_area = g.blocks[k][g.groups][:, g.groups].mean()
        # random edges land outside the linked blocks with probability 1 - linked_area
        expected_off = 0.3 * (1 - linked_area)
        assert abs(off.mean() - expected_off) < 0.03


@pytest.mark.parametrize("kw, match", [
    (dict(n_entities=0), "n_entities must be a positive integer"),
    (dict(n_groups=20, n_entities=10), "cannot exceed"),
    (dict(density=0.0), r"density must be in \(0, 1\]"),
    (dict(noise=1.0), r"noise must be in \[0, 1\)"),
])
def test_planted_kg_bad_input(kw, match):
    args = dict(n_entities=30, n_relations=2, n_groups=3, density=0.5, noise=0.1, rng=np.random.default_rng(0))
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        kg.planted_kg(**args)


def test_train_test_split_partitions_triples():
    g = kg.load_movies()
    train, test = kg.train_test_split_triples(g.triples, 0.1, np.random.default_rng(0))
    assert len(test) == 30 and len(train) == 270
    both = {tuple(t) for t in np.vstack([train, test]).tolist()}
    assert both == {tuple(t) for t in g.triples.tolist()}
    with pytest.raises(ValueError, match="test_fraction"):
        kg.train_test_split_triples(g.triples, 1.5, np.random.default_rng(0))
