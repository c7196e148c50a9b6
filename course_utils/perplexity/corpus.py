"""Real English text for Lecture 3 without any download: sentences, tokens, a stable split.

The default corpus is the prose of the Python language reference: the text ``help("for")``
prints, which CPython ships as :mod:`pydoc_data.topics`. It is real, edited English. CPython
regenerates that module at every release, so the course does not read it at run time: the
cleaned sentences of **CPython 3.11.7** are frozen in ``course_utils/data/python_reference_sentences.txt``
(one sentence per line, its lowercase words joined by single spaces) and
:func:`load_python_docs` reads that file, so the corpus is the same on every Python.

Pipeline (Lecture 3, section 5)::

    text  --prose_paragraphs-->  paragraphs of prose (code, grammar rules and tables dropped)
          --split_sentences-->   sentences  --tokenize-->  lists of lowercase words
                                 (>= 3 words, repeated sentences kept once)
    sentences --split_corpus--> train / dev / test   (by a SHA-256 hash of each sentence:
                                                      bucket 0 of 10 to test, 1 to dev, the rest
                                                      to train; fixed by the text, no randomness)

Regenerating the frozen file (maintainers only, on CPython 3.11.7)::

    python -m course_utils.perplexity.corpus --freeze

Markers ``<s>``, ``</s>`` and the ``<unk>`` token are added by the model
(:class:`course_utils.perplexity.ngram.NGramModel`), not here, so a corpus stays a list of plain words.

Your own text: :func:`load_text_file` takes the path of a UTF-8 text file and returns a
:class:`Corpus` split the same way.
"""
from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from course_utils.core.validation import check_bool, check_choice, check_instance, check_int, check_probability

#: A word: letters/digits/underscores, with an optional apostrophe suffix ("don't", "object's").
_WORD = re.compile(r"[a-z0-9_]+(?:['’][a-z]+)?")
#: A sentence ends at . ! or ? followed by white space and an upper-case letter, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“])")
#: A heading underline such as ``*****`` or ``=====``.
_UNDERLINE = re.compile(r"^[*=\-~^\"'`#+.]{3,}\s*$")

#: The shipped corpus file (in ``course_utils/data/``) and the CPython release it was frozen from.
FROZEN_FILE = "python_reference_sentences.txt"
FROZEN_FROM = (3, 11, 7)
FROZEN_NAME = "Python 3.11 language reference (frozen)"
#: Sentences of the frozen corpus have at least this many words (its ``min_words``).
FROZEN_MIN_WORDS = 3


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
        part = check_choice(part, "part", ("train", "dev", "test", "all"))
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
    check_instance(text, "text", str, what="a str (tokenize expects a str)")
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
    check_instance(text, "text", str)
    min_letter_share = check_probability(min_letter_share, "min_letter_share")
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
    check_instance(text, "text", str)
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
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    min_words = check_int(min_words, "min_words", minimum=1)
    prose_only, deduplicate = check_bool(prose_only, "prose_only"), check_bool(deduplicate, "deduplicate")
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


def _check_test_every(test_every: object) -> int:
    return check_int(test_every, "test_every", minimum=3,
                     allowed="be >= 3 (one bucket for test, one for dev, at least one for train; 10 gives about 80 / 10 / 10)")


def split_bucket(words: Sequence[str], test_every: int = 10) -> int:
    """The bucket 0 … ``test_every - 1`` of one sentence: SHA-256 of its words joined by single
    spaces (UTF-8), read as a big-endian integer, modulo ``test_every``.

    It depends on the sentence alone: not on its position, on the other sentences, on the
    machine or on ``PYTHONHASHSEED`` (the built-in :func:`hash` of a str is salted per process).
    """
    test_every = _check_test_every(test_every)
    if isinstance(words, str) or not all(isinstance(w, str) for w in words):
        raise TypeError(f"words must be a list of str words (one sentence), got {words!r:.60}")
    digest = hashlib.sha256(" ".join(words).encode("utf-8")).digest()
    return int.from_bytes(digest, "big") % test_every


def split_corpus(sentences: Iterable[Sequence[str]], name: str, *, test_every: int = 10) -> Corpus:
    """Split sentences by a hash of their words: bucket 0 (:func:`split_bucket`) to test, bucket 1
    to dev, the others to train — about 80 / 10 / 10 for ``test_every=10``.

    The part of a sentence is fixed by its own words, so adding or removing sentences never moves
    another sentence to another part, and repeated sentences always land in the same part.
    Within each part the sentences keep their order.

    Raises
    ------
    TypeError
        If ``sentences`` is not a list of sentences, each a list of str words, or ``test_every``
        is not an int.
    ValueError
        If ``test_every`` < 3, or the text is so short that the train or the test part is empty.
    """
    test_every = _check_test_every(test_every)
    if isinstance(sentences, str) or not isinstance(sentences, Iterable):
        raise TypeError(f"sentences must be a list of sentences, each a list of words (see text_to_sentences), "
                        f"got {type(sentences).__name__}")
    sentences = list(sentences)
    parts: dict[int, list[list[str]]] = {0: [], 1: [], 2: []}
    for i, sentence in enumerate(sentences):
        if isinstance(sentence, str) or not isinstance(sentence, Sequence):
            raise TypeError(f"sentences[{i}] must be a list of str words (split text with tokenize first), "
                            f"got {type(sentence).__name__}")
        bad = next((w for w in sentence if not isinstance(w, str)), None)
        if bad is not None:
            raise TypeError(f"sentences[{i}] must contain only str words, got {type(bad).__name__} {bad!r}")
        bucket = split_bucket(sentence, test_every)
        parts[2 if bucket == 0 else 1 if bucket == 1 else 0].append(list(sentence))
    for key, part in ((0, "train"), (2, "test")):
        if not parts[key]:
            raise ValueError(f"the text has only {len(sentences)} sentence(s) and the hash split put none of them "
                             f"in the {part} part (each sentence goes to test with chance 1/{test_every}): "
                             f"use a longer text (a few times {test_every} sentences at least) or a smaller test_every")
    return Corpus(name=name, train=parts[0], dev=parts[1], test=parts[2])


# --------------------------------------------------------------------------- the frozen default corpus
def python_docs_text() -> str:
    """The Python language reference text of the *running* Python's :mod:`pydoc_data.topics`,
    topics in sorted key order (maintainers only: it changes with every CPython release)."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key] for key in sorted(topics))


def python_docs_sentences() -> list[list[str]]:
    """The cleaned sentences of the running Python's :mod:`pydoc_data.topics`, as frozen:
    prose paragraphs only, sentence-split, tokenised, at least 3 words, repeated sentences kept once."""
    return text_to_sentences(python_docs_text(), prose_only=True, min_words=FROZEN_MIN_WORDS, deduplicate=True)


def format_sentences(sentences: Iterable[Sequence[str]]) -> str:
    """Sentences as the text of a corpus file: one per line, words joined by single spaces, each line ending in "\\n"."""
    if isinstance(sentences, str):
        raise TypeError("sentences must be a list of sentences (lists of str words), got a str")
    lines = []
    for i, sentence in enumerate(sentences):
        if isinstance(sentence, str) or not all(isinstance(w, str) for w in sentence):
            raise TypeError(f"sentences[{i}] must be a list of str words, got {sentence!r:.60}")
        if not sentence or any(not w or any(ch.isspace() for ch in w) for w in sentence):
            raise ValueError(f"sentence {i} is empty or has a word with white space in it; "
                             "a corpus file needs non-empty words without spaces")
        lines.append(" ".join(sentence) + "\n")
    return "".join(lines)


def parse_sentences(text: str) -> list[list[str]]:
    """The inverse of :func:`format_sentences`: each non-empty line split at single spaces."""
    check_instance(text, "text", str)
    return [line.split(" ") for line in text.split("\n") if line]


def _frozen_resource():
    """The shipped corpus file as an :mod:`importlib.resources` Traversable."""
    return resources.files("course_utils").joinpath("data").joinpath(FROZEN_FILE)


def frozen_path() -> Path:
    """Path of the shipped corpus file ``course_utils/data/python_reference_sentences.txt``."""
    return Path(str(_frozen_resource()))


def freeze_python_docs(path: str | Path | None = None) -> Path:
    """Write the cleaned sentences of the running Python's :mod:`pydoc_data.topics` to ``path``
    (default: the shipped file :func:`frozen_path`) as UTF-8 with "\\n" line ends; return the path.

    Maintainers only. The shipped file was made with CPython 3.11.7 by
    ``python -m course_utils.perplexity.corpus --freeze``; overwriting it from another release is refused
    (every number of Lecture 3 would change), but any other ``path`` can be written to compare.
    """
    if path is None:
        if sys.version_info[:3] != FROZEN_FROM:
            raise RuntimeError(f"the shipped corpus is frozen from CPython {'.'.join(map(str, FROZEN_FROM))}; this is "
                               f"{sys.version.split()[0]}. Pass another path (--output) to compare, or change "
                               "FROZEN_FROM and every number of Lecture 3 on purpose")
        path = frozen_path()
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(format_sentences(python_docs_sentences()))
    return path


def load_python_docs(*, test_every: int = 10, min_words: int = FROZEN_MIN_WORDS) -> Corpus:
    """The default corpus: the prose of the Python 3.11 language reference, frozen in
    ``course_utils/data/python_reference_sentences.txt`` (see ``course_utils/data/README.md``).

    The same on every Python version and machine: nothing is read from :mod:`pydoc_data` at run
    time, and the split (:func:`split_corpus`) depends only on each sentence's words.

    Parameters
    ----------
    test_every : int
        As in :func:`split_corpus` (10: about 80 / 10 / 10).
    min_words : int
        Keep sentences with at least this many words (>= 3, the frozen file's own minimum).
    """
    min_words = check_int(min_words, "min_words", minimum=FROZEN_MIN_WORDS,
                          allowed=f"be >= {FROZEN_MIN_WORDS}: the frozen corpus only has sentences of at least "
                                  f"{FROZEN_MIN_WORDS} words")
    text = _frozen_resource().read_bytes().decode("utf-8")
    sentences = [s for s in parse_sentences(text) if len(s) >= min_words]
    return split_corpus(sentences, FROZEN_NAME, test_every=test_every)


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
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or a Path, got {type(path).__name__}")
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str such as 'utf-8', got {type(encoding).__name__}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such text file: {path.name!r} (give the path of an existing UTF-8 text file)")
    text = path.read_text(encoding=encoding)
    sentences = text_to_sentences(text, prose_only=prose_only, min_words=min_words, deduplicate=deduplicate)
    return split_corpus(sentences, path.name, test_every=test_every)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course_utils.perplexity.corpus --freeze [--output PATH]``: (re)write the frozen corpus file."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course_utils.perplexity.corpus",
                                     description="Freeze the cleaned sentences of this Python's pydoc_data.topics.")
    parser.add_argument("--freeze", action="store_true", help="write the corpus file (maintainers, CPython 3.11.7)")
    parser.add_argument("--output", default=None,
                        help="where to write (default: the shipped course_utils/data/" + FROZEN_FILE + ")")
    args = parser.parse_args(argv)
    if not args.freeze:
        parser.print_help()
        return 2
    path = freeze_python_docs(args.output)
    sentences = parse_sentences(path.read_bytes().decode("utf-8"))
    print(f"wrote {path}: {len(sentences)} sentences, {sum(map(len, sentences))} words "
          f"(from Python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
