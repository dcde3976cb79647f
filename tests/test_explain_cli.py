"""``quizkit explain`` as a user types it: inputs, dtypes, depth, mode and the JSON schema."""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from quizkit.cli import explain as cli_explain
from quizkit.cli.main import app
from quizkit.explain import DEFAULT_DEPTH, explain

runner = CliRunner()


def run_json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["explain", *args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert isinstance(report, dict)
    return report


def test_cli_default_depth_is_the_core_default() -> None:
    option = inspect.signature(cli_explain.explain).parameters["depth"].default
    assert option.default == DEFAULT_DEPTH


def test_importing_the_explain_core_does_not_import_torch() -> None:
    code = "import sys, quizkit.cli.explain; assert 'torch' not in sys.modules, 'torch imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_plain_input_to_an_embedding_becomes_int64_indices() -> None:
    report = run_json("nn.Embedding(10000, 300)", "--input", "4,50")
    assert report["inputs"] == [{"shape": [4, 50], "dtype": "int64", "index_high": 10000}]
    assert report["output_shape"] == [4, 50, 300]
    assert report["params"] == 3_000_000


@pytest.mark.parametrize("suffix, dtype", [("long", "int64"), ("int64", "int64"), ("int", "int32")])
def test_a_dtype_suffix_makes_the_dtype_explicit(suffix: str, dtype: str) -> None:
    report = run_json("nn.Embedding(20, 3)", "-i", f"2x5:{suffix}")
    assert report["inputs"][0]["dtype"] == dtype  # type: ignore[index]


def test_one_input_to_attention_is_self_attention() -> None:
    report = run_json("nn.MultiheadAttention(512, 8)", "--input", "10,2,512")
    assert report["arguments"] == 3
    assert report["output_shape"] == [10, 2, 512]
    [row] = report["layers"]  # type: ignore[misc]
    assert row["input_shapes"] == [[10, 2, 512]] * 3


def test_input_is_repeatable_for_several_positional_inputs() -> None:
    report = run_json(
        "nn.MultiheadAttention(64, 4, batch_first=True)", "-i", "2,7,64", "-i", "2,9,64"
    )
    assert report["arguments"] == 3
    [row] = report["layers"]  # type: ignore[misc]
    assert row["input_shapes"] == [[2, 7, 64], [2, 9, 64], [2, 9, 64]]
    assert row["output_shape"] == [2, 7, 64]


def test_json_keeps_every_row_and_figure_whatever_the_depth() -> None:
    report = run_json("resnet18", "--depth", "1")
    layers = report["layers"]
    assert isinstance(layers, list)
    assert max(row["depth"] for row in layers) == 4  # layer2.0.downsample.0
    assert sum(row["own_params"] for row in layers) == report["params"] == 11_689_512
    assert sum(row["own_flops"] for row in layers) == report["flops"]
    assert report["non_trainable_params"] == 0
    memory = report["memory"]
    assert isinstance(memory, dict)
    assert memory["param_bytes"] == 4 * 11_689_512
    assert memory["forward_backward_bytes"] == 2 * memory["activation_bytes"]
    assert memory["total_bytes"] == sum(
        memory[key]
        for key in ("input_bytes", "param_bytes", "buffer_bytes", "forward_backward_bytes")
    )
    conv1 = next(row for row in layers if row["name"] == "conv1")
    assert [line["figure"] for line in conv1["formula"]] == [
        "output_shape[2]", "output_shape[3]", "params", "flops",
    ]  # fmt: skip
    assert all(line["text"].endswith(f"= {line['value']}") for line in conv1["formula"])


def test_activation_memory_is_the_sum_of_leaf_outputs() -> None:
    report = explain("nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())", (2, 3, 10, 10))
    assert report.memory.activation_bytes == 2 * (2 * 8 * 8 * 8 * 4)
    assert report.memory.input_bytes == 2 * 3 * 10 * 10 * 4
    assert report.memory.param_bytes == (8 * 3 * 9 + 8) * 4


def test_frozen_parameters_are_non_trainable() -> None:
    report = explain(
        "nn.Sequential(nn.Embedding.from_pretrained(torch.zeros(10, 3)), nn.Linear(3, 2))", (2, 4)
    )
    assert (report.trainable_params, report.non_trainable_params) == (3 * 2 + 2, 10 * 3)
    text = run_json("nn.Embedding.from_pretrained(torch.zeros(10, 3))", "-i", "2,4")
    assert (text["trainable_params"], text["non_trainable_params"]) == (0, 30)


def test_buffers_are_counted_apart_from_parameters() -> None:
    report = explain("nn.BatchNorm2d(4)", (2, 4, 3, 3))
    assert (report.params, report.trainable_params) == (8, 8)
    assert report.memory.buffer_bytes == (4 + 4) * 4 + 8  # running mean, var; int64 counter


def test_table_shows_formulas_for_every_spatial_dimension() -> None:
    result = runner.invoke(
        app,
        ["explain", "nn.Conv3d(2, 4, (1, 3, 3), stride=(1, 2, 2))", "-i", "1,2,4,9,9"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    for name, value in (("D_out", 4), ("H_out", 4), ("W_out", 4)):
        assert f"{name} = floor(({name[0]} + 2p - d(k-1) - 1)/s) + 1" in result.output
        assert f" = {value}" in result.output


def test_the_installed_command_prints_a_one_line_error_and_exits_1(tmp_path: Path) -> None:
    quizkit = shutil.which("quizkit", path=str(Path(sys.executable).parent))
    assert quizkit is not None
    result = subprocess.run(
        [
            quizkit,
            "explain",
            "nn.ConvTranspose2d(8,4,3,stride=2,output_padding=2)",
            "-i",
            "1,8,5,5",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "output padding must be smaller than either stride or dilation" in line


def test_a_layer_called_with_keywords_only_still_gets_its_row() -> None:
    from quizkit.explain.layers import Call, layer_why

    with torch.device("meta"):
        conv = torch.nn.Conv2d(3, 4, 3)
    assert layer_why(conv, Call([], [1, 4, 6, 6], True, False)).lines == []
    assert len(layer_why(conv, Call([[1, 3, 8, 8]], [1, 4, 6, 6], True, False)).lines) == 4
