"""`python -m course_utils.tools.figures` reproduces what is committed in figures/."""
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

from course_utils.core import plotting
from course_utils.tools import figures

# RMS pixel difference allowed (0-255 scale): absorbs font hinting on another OS, not a changed plot.
TOLERANCE = 6.0


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    figures.generate(out)
    return out


def test_every_factory_has_a_committed_figure_and_vice_versa(regenerated):
    names = set(figures.collect_figures())
    committed = {p.stem for p in plotting.FIGURES_DIR.glob("*.png")}
    assert names, "no figures registered"
    assert names - committed == set(), f"run `make figures` and commit: {sorted(names - committed)}"
    assert committed - names == set(), f"stale figures with no factory: {sorted(committed - names)}"
    for name in names:
        assert (plotting.FIGURES_DIR / f"{name}.svg").exists()
        assert name[:3] in {"00_", "01_", "02_", "03_", "04_"} or name[:2].isdigit()


def test_regenerated_figures_match_committed(regenerated):
    for png in sorted(Path(regenerated).glob("*.png")):
        committed = plotting.FIGURES_DIR / png.name
        diff = compare_images(str(committed), str(png), tol=TOLERANCE)
        assert diff is None, f"{png.name} differs from the committed figure: {diff}. Run `make figures`."


def test_regeneration_is_byte_identical_on_this_machine(tmp_path):
    first = figures.generate(tmp_path / "a", names=["00_course_palette"])
    second = figures.generate(tmp_path / "b", names=["00_course_palette"])
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_unknown_figure_name_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown figure name"):
        figures.generate(tmp_path, names=["99_nope"])
