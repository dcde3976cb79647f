"""The explain table at fixed widths: nothing wider than the terminal, no word ever broken."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from quizkit.explain import ExplainReport, explain
from quizkit.ui.explain import fit_widths, layer_label, render_explain, shape_text

SUBJECTS = [
    ("resnet50", None),
    ("nn.TransformerEncoderLayer(512, 8)", (10, 2, 512)),
    ("nn.LSTM(10, 20, num_layers=2, bidirectional=True)", (5, 3, 10)),
    (
        "nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, stride=2, padding=1, ceil_mode=True), nn.Flatten())",
        (1, 3, 32, 31),
    ),
    (
        "nn.Transformer(d_model=32, nhead=4, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=64)",
        (6, 2, 32),
    ),
]


@pytest.fixture(scope="module")
def reports() -> dict[str, ExplainReport]:
    return {subject: explain(subject, shape) for subject, shape in SUBJECTS}


def render(report: ExplainReport, width: int, **options: object) -> str:
    stream = io.StringIO()
    console = Console(file=stream, width=width, color_system=None, highlight=False)
    render_explain(console, report, **options)  # type: ignore[arg-type]
    return stream.getvalue()


def expected_words(report: ExplainReport, depth: int) -> set[str]:
    """Every word the table and the why section must show whole."""
    words: set[str] = set()
    for row, _ in report.visible(depth):
        words.update(layer_label(row).split())
        words.update(shape_text(shape) for shape in row.input_shapes)
        words.add(shape_text(row.output_shape))
        for line in row.formula:
            words.update(line.text.split())
        for note in row.notes:
            words.update(note.split())
    return {word.rstrip(",") for word in words}


@pytest.mark.parametrize("width", [80, 120, 200])
@pytest.mark.parametrize("subject", [subject for subject, _ in SUBJECTS])
def test_table_fits_the_width_and_never_breaks_a_word(
    reports: dict[str, ExplainReport], subject: str, width: int
) -> None:
    report = reports[subject]
    text = render(report, width)
    lines = text.splitlines()
    too_wide = [line for line in lines if cell_len(line) > width]
    assert too_wide == []
    shown = {word.rstrip(",") for word in text.split()}
    broken = sorted(expected_words(report, 3) - shown)
    assert broken == [], f"words broken or missing at width {width}: {broken[:10]}"


def test_the_why_column_is_inline_on_wide_terminals_and_below_the_table_otherwise(
    reports: dict[str, ExplainReport],
) -> None:
    report = reports["nn.TransformerEncoderLayer(512, 8)"]
    assert "\nWhy\n" in render(report, 120)
    wide = render(report, 240)
    assert "\nWhy\n" not in wide
    assert "why" in wide.splitlines()[1]


def test_depth_limits_the_rows_and_collapsed_rows_carry_totals(
    reports: dict[str, ExplainReport],
) -> None:
    report = reports["resnet50"]
    shallow = render(report, 120, depth=1, formulas=False)
    assert "layer1 Sequential" in shallow and "conv1 Conv2d" in shallow
    assert "Bottleneck" not in shallow
    assert "Showing depth 1" in shallow
    [layer1] = [row for row in report.layers if row.name == "layer1"]
    assert f"{layer1.params:,}" in shallow
    full = render(report, 120, depth=10, formulas=False)
    assert "Showing depth" not in full
    assert len(full.splitlines()) > len(shallow.splitlines()) + 100


def test_footer_states_params_memory_and_the_flop_convention(
    reports: dict[str, ExplainReport],
) -> None:
    text = " ".join(render(reports["resnet50"], 80, formulas=False).split())
    assert "Total params 25,557,032 Trainable params 25,557,032 Non-trainable params 0" in text
    assert "Memory input 0.60 MB, params 102.23 MB" in text
    assert "2 per multiply-add (MAC) of matrix products and convolutions" in text
    assert "biases, norms, activations, pooling" in text


def test_repeated_calls_show_their_call_number_and_shared_parameters(
    reports: dict[str, ExplainReport],
) -> None:
    text = render(reports["resnet50"], 120, formulas=False)
    assert "relu (1/3) ReLU" in text and "relu (3/3) ReLU" in text


def test_fit_widths_gives_every_column_its_longest_word_or_gives_up() -> None:
    columns = [["alpha beta", "gamma"], ["1×2×3×4"]]
    assert fit_widths(columns, ["a", "b"], 80) == [10, 7]
    assert fit_widths(columns, ["a", "b"], 15) == [5, 7]
    assert fit_widths(columns, ["a", "b"], 14) is None
