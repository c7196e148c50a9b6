"""The package as a wheel: every subpackage and data file is in it, and every lecture imports from it."""
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "tools", "performer", "regularization", "perplexity", "kg")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # no build isolation: the pinned setuptools of requirements.txt builds it, offline
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(REPO)], check=True, capture_output=True, text=True, encoding="utf-8")
    (path,) = out.glob("course_utils-*.whl")
    return path


def test_the_wheel_holds_every_subpackage_and_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in PACKAGES:
        assert f"course_utils/{package}/__init__.py" in names, f"{package} is missing from the wheel"
    source = {p.relative_to(REPO).as_posix() for p in (REPO / "course_utils").rglob("*.py")}
    assert source <= names, f"modules missing from the wheel: {sorted(source - names)}"
    for data in ("movies_kg.tsv", "python_reference_sentences.txt", "README.md",
                 *(f"kg/{name}/{split}.txt" for name in ("nations", "umls") for split in ("train", "valid", "test"))):
        assert f"course_utils/data/{data}" in names


def test_every_lecture_imports_from_the_installed_wheel(wheel, tmp_path):
    """Installed (not from the source tree), each lecture imports and finds its data."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True, encoding="utf-8")
    code = ("import course_utils, importlib\n"
            f"assert course_utils.__file__.startswith({str(target)!r}), course_utils.__file__\n"
            f"for p in {PACKAGES!r}: importlib.import_module('course_utils.' + p)\n"
            "from course_utils import kg, perplexity\n"
            "print(kg.load_movies().n_entities, len(perplexity.load_python_docs().train))\n")
    env = {"PYTHONPATH": str(target), "PATH": "", "SYSTEMROOT": __import__("os").environ.get("SYSTEMROOT", "")}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr
    n_entities, n_train = map(int, out.stdout.split())
    assert n_entities == 157 and n_train > 1800
