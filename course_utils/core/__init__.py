"""What every lecture shares.

Modules
-------
plotting     the course style (applied explicitly), palette, ``get_ax``, ``save_figure``
widgets      controls and ``LiveFigure``: sliders -> compute -> one reused figure
blit         redraw only the artists that changed (used by ``LiveFigure``)
background   ``Prefetcher``: compute slider positions ahead in a background thread
exercises    ``Exercise`` and the ``compare_*`` checkers behind every ``check_*()``
"""
from .background import (
    Prefetcher,
    nearest_first,
)
from .blit import (
    Blitter,
)
from .exercises import (
    NO_ANSWER_HINT,
    Checker,
    Exercise,
    compare_array,
    compare_choice,
    compare_value,
)
from .plotting import (
    COLORS,
    DIVERGING_CMAP,
    FIGURES_DIR,
    PALETTE,
    SEQUENTIAL_CMAP,
    STYLE,
    course_style,
    draw_palette,
    figure_palette,
    get_ax,
    save_figure,
    use_course_style,
)
from .widgets import (
    LiveFigure,
    Update,
    checkbox,
    dropdown,
    encode_png,
    float_slider,
    int_slider,
    live_figure,
    log_slider,
    sweep_values,
    sweep_widget,
)
