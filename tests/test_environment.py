"""The environment check of the index notebook, and the list of supported Pythons."""
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from course_utils.tools import environment


def test_read_pins(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("# c\nnumpy==2.4.6\nJupyterLab_Widgets == 3.0.17  # x\n\n-e .\n", encoding="utf-8")
    assert environment.read_pins(req) == {"numpy": "2.4.6", "jupyterlab-widgets": "3.0.17"}


def test_read_pins_rejects_unpinned_lines(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("numpy==2.4.6\nscipy>=1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"requirements.txt:2: expected 'package==version'"):
        environment.read_pins(req)


def test_every_requirement_is_pinned():
    pins = environment.read_pins()
    for core in ("jupyterlab", "numpy", "matplotlib", "ipywidgets", "scikit-learn", "nbval"):
        assert core in pins


def test_this_environment_matches_the_pins(capsys):
    assert environment.check_environment() is True, capsys.readouterr().out


def test_problems_are_reported_with_the_fix(tmp_path, capsys):
    req = tmp_path / "requirements.txt"
    req.write_text("numpy==0.0.1\nno-such-package-xyz==1.0\n", encoding="utf-8")
    assert environment.check_environment(req) is False
    out = capsys.readouterr().out
    assert "version" in out and "0.0.1 pinned" in out
    assert "no-such-package-xyz: missing" in out
    assert "make lab" in out


def test_widget_check_echoes_the_slider():
    box = environment.widget_check()
    slider, label = box.children
    slider.value = 7
    assert label.value.startswith("value: 7")


def test_python_status_names_the_supported_releases():
    assert environment.python_status((3, 12, 1)) == (True, "ok")
    ok, message = environment.python_status((3, 10, 13))
    assert not ok and "3.11, 3.12, 3.13" in message
    ok, message = environment.python_status((3, 14, 0))
    assert ok and "untested" in message and "3.11, 3.12, 3.13" in message


def test_supported_pythons_agree_across_makefile_pyproject_and_readme():
    """One list of tested releases: Makefile, pyproject's classifiers, environment.py, README."""
    repo = Path(environment.__file__).resolve().parents[2]
    names = environment.supported_names().split(", ")
    makefile = (repo / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^SUPPORTED_PYTHONS := (.*)$", makefile, re.M).group(1).split() == names
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    classifiers = [c.rsplit(" :: ", 1)[1] for c in pyproject["project"]["classifiers"] if c.count("::") == 2]
    assert classifiers == names
    assert pyproject["project"]["requires-python"] == f">={names[0]}"
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert f"Python {', '.join(names[:-1])} or {names[-1]}" in readme


@pytest.mark.skipif(shutil.which("make") is None or os.name == "nt", reason="needs make and a POSIX shell")
def test_make_refuses_an_unsupported_python_and_says_which_work(tmp_path):
    """`make lab` with an unsupported Python stops with a message naming the tested releases."""
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 3.10\n", encoding="utf-8")
    fake.chmod(0o755)
    repo = Path(environment.__file__).resolve().parents[2]
    out = subprocess.run(["make", "-s", "-C", str(repo), "check-python", f"PYTHON={fake}"],
                         capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode != 0
    assert "Python 3.10" in out.stderr and "3.11 3.12 3.13" in out.stderr
    missing = subprocess.run(["make", "-s", "-C", str(repo), "check-python", f"PYTHON={tmp_path / 'nope'}"],
                             capture_output=True, text=True, encoding="utf-8", check=False)
    assert missing.returncode != 0 and "does not run" in missing.stderr
