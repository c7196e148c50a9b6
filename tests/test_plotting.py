"""Course style: explicit, restorable, deterministic output."""
import subprocess
import sys

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from course_utils.core import plotting


def test_importing_course_utils_changes_nothing_global():
    code = (
        "import matplotlib as mpl, numpy as np, importlib, pkgutil\n"
        "before = dict(mpl.rcParams); state = np.random.get_state()[1].copy()\n"
        "import course_utils\n"
        "names = [m.name for m in pkgutil.walk_packages(course_utils.__path__, 'course_utils.')]\n"
        "assert len(names) > 40, names\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "assert dict(mpl.rcParams) == before, 'rcParams changed at import'\n"
        "assert (np.random.get_state()[1] == state).all(), 'global numpy RNG touched at import'\n"
        "print('clean')\n"
    )
    # When CI turns EncodingWarning into an error (PYTHONWARNINGS), matplotlib's own font cache
    # would trip it in this child: ignore it there, as pyproject.toml does for the test process.
    cmd = [sys.executable, "-W", "ignore::EncodingWarning:matplotlib.font_manager", "-c", code]
    out = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "clean"


def test_course_style_is_applied_and_restored():
    before = mpl.rcParams["font.size"]
    with plotting.course_style():
        assert mpl.rcParams["font.size"] == plotting.STYLE["font.size"] >= 14
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == plotting.COLORS
    assert mpl.rcParams["font.size"] == before


def test_palette_is_okabe_ito():
    assert plotting.COLORS[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert len(set(plotting.COLORS)) == 8


def test_get_ax_injection():
    fig, ax = plt.subplots()
    assert plotting.get_ax(ax) is ax
    new = plotting.get_ax(None)
    assert new is not ax
    plt.close("all")


def test_save_figure_is_deterministic(tmp_path):
    with plotting.course_style():
        fig = plotting.figure_palette()
    a = plotting.save_figure(fig, "p", tmp_path / "a")
    b = plotting.save_figure(fig, "p", tmp_path / "b")
    plt.close(fig)
    assert [p.name for p in a] == ["p.png", "p.svg"]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes()
    svg = a[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in a[0].read_bytes()


@pytest.mark.parametrize("name", ["", "a b", "../x", "x.png", 3])
def test_save_figure_rejects_bad_names(tmp_path, name):
    fig = plt.figure()
    with pytest.raises(ValueError, match="figure name"):
        plotting.save_figure(fig, name, tmp_path)
    plt.close(fig)
