"""Real English text for Lecture 3 without any download: sentences, tokens, a fixed split.

The default corpus is the prose of the Python language reference that ships with every
CPython installation as :mod:`pydoc_data.topics` (the text ``help("for")`` prints). It is real,
edited English, it is present wherever Python is, and it is the same on every machine with the
same Python version. Code examples, grammar rules and tables are dropped so that what remains
is the prose (:func:`prose_paragraphs`), and sentences repeated across topics are kept once.

Pipeline (Lecture 3, section 5)::

    text  --split_sentences-->  sentences  --tokenize-->  lists of lowercase words
    sentences --split_corpus--> train / dev / test   (every 10th sentence to test, the one
                                                      before it to dev: fixed, no randomness)

Markers ``<s>``, ``</s>`` and the ``<unk>`` token are added by the model
(:class:`course_utils.ngram.NGramModel`), not here, so a corpus stays a list of plain words.

Your own text: :func:`load_text_file` takes the path of a UTF-8 text file and returns a
:class:`Corpus` split the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: A word: letters/digits/underscores, with an optional apostrophe suffix ("don't", "object's").
_WORD = re.compile(r"[a-z0-9_]+(?:['’][a-z]+)?")
#: A sentence ends at . ! or ? followed by white space and an upper-case letter, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“])")
#: A heading underline such as ``*****`` or ``=====``.
_UNDERLINE = re.compile(r"^[*=\-~^\"'`#+.]{3,}\s*$")


@dataclass(frozen=True)
class Corpus:
    """A tokenised corpus with a fixed train / dev / test split.

    Attributes
    ----------
    name : str
        Where the text came from (shown in tables and plots).
    train, dev, test : list of list of str
        Sentences as lists of lowercase words (no ``<s>``/``</s>`` markers).
    """

    name: str
    train: list[list[str]]
    dev: list[list[str]]
    test: list[list[str]]

    @property
    def sentences(self) -> list[list[str]]:
        """All sentences (train + dev + test)."""
        return self.train + self.dev + self.test

    def n_tokens(self, part: str = "train") -> int:
        """Number of words in ``part`` ("train", "dev", "test" or "all"), without markers."""
        if part not in ("train", "dev", "test", "all"):
            raise ValueError(f"part must be 'train', 'dev', 'test' or 'all', got {part!r}")
        sents = self.sentences if part == "all" else getattr(self, part)
        return sum(len(s) for s in sents)


def tokenize(text: str) -> list[str]:
    """Lowercase words of ``text``; punctuation and symbols are dropped.

    A word is a run of letters, digits or underscores with an optional apostrophe suffix,
    so ``"I'm making Pasta!"`` gives ``["i'm", "making", "pasta"]``. Typographic apostrophes
    are normalised to ``'``.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize expects a str, got {type(text).__name__}")
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def prose_paragraphs(text: str, *, min_letter_share: float = 0.75) -> list[str]:
    """Paragraphs of running text from documentation that mixes prose, code and tables.

    A paragraph is a blank-line separated block, its lines joined with spaces after removing
    their indentation. A block is kept if it reads like prose: it ends with ``.``, ``:``,
    ``?``, ``!`` or ``)``, has at least 4 words, at least ``min_letter_share`` of its
    non-space characters are letters, and it is not a heading (last line an underline such as
    ``=====``), an interactive session (``>>>``), a grammar rule (``::=``) or a table row
    (lines starting with ``+`` or ``|``).
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines or _UNDERLINE.match(lines[-1]):
            continue
        joined = " ".join(lines)
        if "::=" in joined or any(line.startswith((">>>", "...", "+", "|")) for line in lines):
            continue
        chars = joined.replace(" ", "")
        letters = sum(ch.isalpha() for ch in chars)
        if joined[-1] in ".:?!)" and len(joined.split()) >= 4 and letters >= min_letter_share * len(chars):
            paragraphs.append(joined)
    return paragraphs


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences at ``.``, ``!`` or ``?`` followed by a capital, digit or quote.

    Abbreviations such as "e.g. the" are not split (the next word is lower case).
    """
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def text_to_sentences(text: str, *, prose_only: bool = False, min_words: int = 1,
                      deduplicate: bool = False) -> list[list[str]]:
    """Sentences of ``text`` as lists of lowercase words (sentences shorter than ``min_words`` dropped).

    Parameters
    ----------
    text : str
    prose_only : bool
        Keep only :func:`prose_paragraphs` (for documentation with code blocks). Otherwise
        blank lines separate paragraphs and line breaks inside a paragraph are spaces.
    min_words : int
        Minimum number of words of a kept sentence (at least 1).
    deduplicate : bool
        Keep only the first occurrence of a sentence that appears several times (documentation
        repeats itself; a test sentence that is also in the training set flatters the model).
    """
    if min_words < 1:
        raise ValueError(f"min_words must be >= 1, got {min_words}")
    if prose_only:
        paragraphs = prose_paragraphs(text)
    else:
        paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]
    sentences, seen = [], set()
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            words = tokenize(sentence)
            if len(words) < min_words or (deduplicate and tuple(words) in seen):
                continue
            seen.add(tuple(words))
            sentences.append(words)
    return sentences


def split_corpus(sentences: list[list[str]], name: str, *, test_every: int = 10) -> Corpus:
    """Fixed split: sentence ``i`` goes to test if ``i % test_every == test_every - 1``,
    to dev if ``i % test_every == test_every - 2``, else to train (80 / 10 / 10 for 10).

    Deterministic and interleaved, so the three parts cover the same topics.
    """
    if test_every < 3:
        raise ValueError(f"test_every must be >= 3 (one dev, one test, at least one train sentence per block), got {test_every}")
    parts: dict[int, list[list[str]]] = {0: [], 1: [], 2: []}
    for i, sentence in enumerate(sentences):
        r = i % test_every
        parts[2 if r == test_every - 1 else 1 if r == test_every - 2 else 0].append(list(sentence))
    if not parts[0] or not parts[2]:
        raise ValueError(f"the text has only {len(sentences)} sentence(s): need at least {test_every} "
                         "for a train/dev/test split")
    return Corpus(name=name, train=parts[0], dev=parts[1], test=parts[2])


def python_docs_text() -> str:
    """The Python language reference text of :mod:`pydoc_data.topics`, topics in sorted key order."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key] for key in sorted(topics))


def load_python_docs(*, test_every: int = 10, min_words: int = 3) -> Corpus:
    """The default corpus: the prose of the Python language reference (:mod:`pydoc_data.topics`).

    Deterministic: topics in sorted order, prose paragraphs only, repeated sentences removed
    (topics overlap), sentences with at least ``min_words`` words, split by
    :func:`split_corpus`. Its size depends on the Python version.
    """
    import sys

    sentences = text_to_sentences(python_docs_text(), prose_only=True, min_words=min_words, deduplicate=True)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return split_corpus(sentences, f"Python {version} language reference", test_every=test_every)


def load_text_file(path: str | Path, *, encoding: str = "utf-8", prose_only: bool = False, min_words: int = 3,
                   deduplicate: bool = True, test_every: int = 10) -> Corpus:
    """Your own corpus: a plain text file, sentence-split, tokenised and split like the default one.

    Parameters
    ----------
    path : str or Path
        A text file (e.g. a book from your disk). Paragraphs are separated by blank lines.
    encoding : str
    prose_only, min_words, deduplicate, test_every
        As in :func:`text_to_sentences` and :func:`split_corpus`.

    Returns
    -------
    Corpus
        Named after the file (its name only, not the folder).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such text file: {path.name!r} (give the path of an existing UTF-8 text file)")
    text = path.read_text(encoding=encoding)
    sentences = text_to_sentences(text, prose_only=prose_only, min_words=min_words, deduplicate=deduplicate)
    return split_corpus(sentences, path.name, test_every=test_every)
