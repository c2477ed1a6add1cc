"""charts/*.png: non-blank images whose Chinese labels are drawn with real glyphs, not boxes."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pytest
from matplotlib import font_manager, ft2font
from PIL import Image

from pipelines.bulletin import fonts
from pipelines.bulletin.charts import CHART_FILES, rate_series, read_rate_history, render_charts
from pipelines.bulletin.fonts import CJKFontMissingError, find_cjk_font
from pipelines.bulletin.writer import write_bulletin
from pipelines.contract import RANKED_GROUPS
from tests.bulletin.marts_fixture import MONTH, OTHER_MONTH, SETTINGS_PATH


def strict_warnings() -> warnings.catch_warnings:
    """Any warning of matplotlib's drawing (e.g. `Glyph 32489 missing from font(s)`) is an error."""
    context = warnings.catch_warnings()
    context.__enter__()
    warnings.simplefilter("error", UserWarning)
    warnings.simplefilter("error", RuntimeWarning)
    return context


@pytest.fixture(scope="module")
def history(documents_warehouse: Path):
    with duckdb.connect(str(documents_warehouse), read_only=True) as con:
        return read_rate_history(con, MONTH)


@pytest.fixture(scope="module")
def charts(data, history, rules):
    context = strict_warnings()
    try:
        return {chart.key: chart for chart in render_charts(data, rate_series(data, history), rules)}
    finally:
        context.__exit__(None, None, None)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def test_every_chart_is_rendered_and_written(charts, written, data):
    assert set(charts) == set(CHART_FILES)
    # and one year-to-date chart per ranked group (year_charts.py)
    year_charts = [f"year_to_date_{i}.png" for i in range(1, len(data["year_to_date"]["rankings"]) + 1)]
    assert sorted(p.name for p in written.chart_paths) == sorted([*CHART_FILES.values(), *year_charts])
    for path in written.chart_paths:
        assert path.parent.name == "charts" and path.stat().st_size > 0


@pytest.mark.parametrize("key", list(CHART_FILES))
def test_chart_is_a_non_blank_image(charts, key):
    chart = charts[key]
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG"
    assert abs(image.width - chart.width) <= 1 and abs(image.height - chart.height) <= 1
    gray = pixels(chart.png)
    inked = (gray < 200).mean()
    assert gray.std() > 15, "the image is (nearly) one colour"
    assert 0.01 < inked < 0.9, f"{inked:.1%} of the pixels are dark"


@pytest.mark.parametrize("key", list(CHART_FILES))
def test_every_label_character_has_a_glyph_in_the_font(charts, key):
    font = find_cjk_font()
    face = ft2font.FT2Font(str(font.path))
    texts = charts[key].texts
    chinese = {ch for t in texts for ch in t if "\u4e00" <= ch <= "\u9fff"}
    assert chinese, f"{key} has no Chinese label"
    missing = sorted(
        {ch for t in texts for ch in t if not ch.isspace() and face.get_char_index(ord(ch)) == 0}
    )
    assert not missing, f"{key}: no glyph for {missing} in {font.path}"


def test_matplotlib_resolves_the_cjk_font_file():
    font = find_cjk_font()
    found = font_manager.findfont(font_manager.FontProperties(family=font.family), fallback_to_default=False)
    assert Path(found) == font.path
    assert fonts.covers(font.path)


def test_labels_carry_the_bulletin_figures(charts, data, history):
    scores = " ".join(charts["scores_by_group"].texts)
    for group in RANKED_GROUPS:
        for entry in data["rankings"][group]:
            assert entry["unit_name"] in scores
    channels = charts["intake_by_channel"].texts
    assert all(c["name"] in channels for c in data["by_channel"])
    province = charts["province_satisfaction"].texts
    rated = [u for u in data["province"]["units"] if u["rated"] > 0]
    assert rated and all(u["unit_name"] in province for u in rated)
    months = charts["rates_by_month"].texts
    assert "2021年1月" in months and "2021年2月" in months
    assert [h["month"] for h in history] == [OTHER_MONTH, MONTH]


def render_label(text: str, family: str) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 1), dpi=100)
    canvas = FigureCanvasAgg(figure)
    figure.text(0.05, 0.3, text, fontsize=28, family=family)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].astype(float)


def test_chinese_is_drawn_as_distinct_glyphs_not_boxes():
    """Missing glyphs all render as the same .notdef box: two different words would look alike."""
    font = find_cjk_font()
    context = strict_warnings()
    try:
        first, second = render_label("绩效考评", font.family), render_label("办结签收", font.family)
    finally:
        context.__exit__(None, None, None)
    assert (first < 128).mean() > 0.01 and (second < 128).mean() > 0.01
    assert np.abs(first - second).mean() > 1

    # the check itself: in a font without Chinese both words are the same row of boxes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boxed_first, boxed_second = (
            render_label("绩效考评", "DejaVu Sans"),
            render_label("办结签收", "DejaVu Sans"),
        )
    assert np.array_equal(boxed_first, boxed_second)


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "_candidates", lambda: [])
    find_cjk_font.cache_clear()
    yield
    find_cjk_font.cache_clear()


def test_without_a_cjk_font_the_error_names_make_setup(no_cjk_font):
    with pytest.raises(CJKFontMissingError, match="make setup"):
        find_cjk_font()


def test_without_a_cjk_font_no_file_is_written(no_cjk_font, documents_warehouse: Path, tmp_path: Path):
    with duckdb.connect(str(documents_warehouse), read_only=True) as con, pytest.raises(CJKFontMissingError):
        write_bulletin(con, MONTH, tmp_path, SETTINGS_PATH)
    assert not any(tmp_path.rglob("*"))
