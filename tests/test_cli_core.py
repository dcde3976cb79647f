"""The core commands end to end: fast start-up, one-line errors, exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from quizkit.cli.main import app
from quizkit.explain import explain
from quizkit.zoo import ENTRIES, ZOO_NAMES

runner = CliRunner()


def _in_fresh_interpreter(args: list[str]) -> tuple[int, bool]:
    """Run the CLI in a new interpreter; return its exit code and whether torch got imported."""
    code = (
        "import sys; from typer.testing import CliRunner; from quizkit.cli.main import app; "
        f"result = CliRunner().invoke(app, {args!r}); "
        "print(result.exit_code, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    exit_code, imported = out.stdout.split()
    return int(exit_code), imported == "True"


@pytest.mark.parametrize("args", [["--help"], ["topics"], ["show", "conv-out-size@3"]])
def test_help_topics_and_show_do_not_import_torch(args: list[str]) -> None:
    assert _in_fresh_interpreter(args) == (0, False)


COMMANDS = [
    ["topics"], ["show"], ["validate"], ["explain"], ["practice"], ["stats"], ["grade"],
    ["worksheet"], ["export"], ["exercise"], ["exercise", "list"], ["exercise", "start"],
    ["exercise", "check"], ["classroom"], ["classroom", "init"], ["ci"], ["ci", "init"],
]  # fmt: skip


def test_the_root_help_lists_every_top_level_command() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for command in {words[0] for words in COMMANDS}:
        assert f"│ {command} " in result.output, command


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and " ".join(command) in result.output


def test_topics_lists_every_topic_file_with_counts() -> None:
    result = runner.invoke(app, ["topics"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "conv" in result.output
    assert "templates" in result.output


def test_show_renders_the_question_with_its_id() -> None:
    result = runner.invoke(app, ["show", "conv-out-size@1234"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "conv-out-size@1234" in result.output
    assert "What is the output shape?" in result.output
    assert "Worked solution" not in result.output


def test_show_answer_gives_the_torch_answer_and_the_derivation() -> None:
    result = runner.invoke(app, ["show", "conv-out-size@1234", "--answer"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Answer:   (4, 32, 27, 27)" in result.output
    assert "floor((55 + 2*2 - 7)/2) + 1 = 27" in result.output


def test_unknown_template_is_a_one_line_error_with_exit_2() -> None:
    result = runner.invoke(app, ["show", "no-such-template@1"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "quizkit: error: unknown template 'no-such-template' (see `quizkit topics`)"
    ]


def test_malformed_question_id_is_a_usage_error() -> None:
    result = runner.invoke(app, ["show", "conv out"])
    assert result.exit_code == 2
    assert "not a question id" in result.output


def test_explain_json_follows_the_documented_schema() -> None:
    result = runner.invoke(
        app,
        [
            "explain",
            "nn.Sequential(nn.Conv2d(3,6,5), nn.ReLU(), nn.MaxPool2d(2))",
            "--input",
            "1,3,32,32",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {
        "subject", "mode", "inputs", "arguments", "input_shape", "output_shape", "output_shapes",
        "params", "trainable_params", "non_trainable_params", "flops", "macs", "flop_convention",
        "memory", "layers", "warnings",
    }  # fmt: skip
    assert report["output_shape"] == [1, 6, 14, 14]
    assert report["params"] == report["trainable_params"] == 6 * 3 * 5 * 5 + 6
    assert report["flops"] == 2 * 5 * 5 * 3 * 6 * 28 * 28 == 2 * report["macs"]
    types = [layer["type"] for layer in report["layers"]]
    assert types == ["Sequential", "Conv2d", "ReLU", "MaxPool2d"]
    assert {"name", "type", "depth", "output_shape", "params", "flops"} <= set(report["layers"][1])


def test_explain_a_zoo_model_uses_its_default_input() -> None:
    result = runner.invoke(app, ["explain", "lenet5", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["output_shape"] == [1, 10]
    assert report["params"] == 61706


def test_explain_table_shows_the_formula_behind_the_numbers() -> None:
    result = runner.invoke(
        app,
        ["explain", "nn.Conv2d(3, 16, 5, stride=2, padding=1)", "--input", "1x3x32x32"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "floor((32 + 2*1 - 1*(5-1) - 1)/2) + 1 = 15" in result.output
    assert "16*(3/1)*5*5 + 16 = 1216" in result.output


def test_explain_input_the_layer_cannot_take_names_layer_and_shapes() -> None:
    result = runner.invoke(
        app,
        [
            "explain",
            "nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(4, 8, 3))",
            "--input",
            "1,3,16,16",
        ],
    )
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(
        "quizkit: error: layer 1 (Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1))) cannot take input of shape (1, 8, 14, 14)"
    )


def test_explain_refuses_arbitrary_code() -> None:
    result = runner.invoke(app, ["explain", "__import__('os').system('true')", "--input", "1,3"])
    assert result.exit_code == 2
    assert "unknown name '__import__'" in result.output


def test_explain_expression_without_input_asks_for_it() -> None:
    result = runner.invoke(app, ["explain", "nn.ReLU()"])
    assert result.exit_code == 2
    assert "--input is required" in result.output


def test_leave_skips_torch_teardown_only_for_the_real_command() -> None:
    code = (
        "import sys, torch; from quizkit.cli import leave; "
        "print('flushed'); leave.FAST_EXIT = True; leave.leave(3)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (3, "flushed\n")
    from quizkit.cli.leave import leave

    with pytest.raises(typer.Exit) as caught:  # in-process callers (tests) get a normal exit
        leave(1)
    assert caught.value.exit_code == 1


@pytest.mark.parametrize("name", ZOO_NAMES)
def test_explain_works_on_every_zoo_model_with_the_published_figures(name: str) -> None:
    entry = ENTRIES[name]
    report = explain(name, entry.input_shape)
    assert report.output_shape == [1, entry.num_classes]
    assert sum(row.own_params for row in report.layers) == report.params
    assert sum(row.own_flops for row in report.layers) == report.flops
    if entry.published_params is not None:
        assert report.params == entry.published_params
    if entry.published_gflops is not None:
        assert round(report.macs / 1e9, 2) == entry.published_gflops
