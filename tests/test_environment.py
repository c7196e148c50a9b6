"""The environment check of the index notebook."""
import pytest

from course_utils import environment


def test_read_pins(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("# c\nnumpy==2.4.6\nJupyterLab_Widgets == 3.0.17  # x\n\n-e .\n")
    assert environment.read_pins(req) == {"numpy": "2.4.6", "jupyterlab-widgets": "3.0.17"}


def test_read_pins_rejects_unpinned_lines(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("numpy==2.4.6\nscipy>=1.0\n")
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
    req.write_text("numpy==0.0.1\nno-such-package-xyz==1.0\n")
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
