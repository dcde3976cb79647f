"""Unit specs of the exercise core: wire format, comparison messages, static scan, CLI."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

import quizkit
from quizkit.cli.main import app
from quizkit.exercises import protocol
from quizkit.exercises.compare import compare
from quizkit.exercises.forbidden import MODULE_SCOPE, ForbiddenSpec, scan_source

SOLUTIONS = Path(quizkit.__file__).parent.parent / "solutions"
CONV = ForbiddenSpec(names=("torch.nn.functional.conv2d", "torch.conv2d", "torch.nn.Conv2d"))


def test_tensors_round_trip_through_the_wire_format_exactly() -> None:
    values = [torch.randn(2, 3, dtype=torch.float64), torch.ones(0, 4), torch.tensor(3), (1, None)]
    back = protocol.decode(protocol.loads(protocol.dumps(protocol.encode(values))))
    assert torch.equal(back[0], values[0]) and back[0].dtype == torch.float64
    assert back[1].shape == (0, 4)
    assert back[2].item() == 3 and back[3] == (1, None)


def test_the_wire_format_refuses_any_pickled_global() -> None:
    with pytest.raises(protocol.ProtocolError):
        protocol.loads(pickle.dumps(Path("/etc/passwd")))


def test_a_tensor_header_that_lies_about_its_size_is_rejected() -> None:
    with pytest.raises(protocol.ProtocolError):
        protocol.decode({protocol.TENSOR_KEY: ["float64", [10], b"\0" * 8]})


def test_compare_names_the_first_wrong_element_and_the_max_errors() -> None:
    expected = torch.zeros(2, 3, dtype=torch.float64)
    received = expected.clone()
    received[1, 2] = 0.5
    message = compare(received, expected, "output")
    assert message is not None
    assert message.startswith("output[1, 2]: expected 0, received 0.5")
    assert "max abs error 0.5" in message and "1 of 6 elements differ" in message


def test_compare_reports_shape_and_dtype_before_values() -> None:
    e = torch.zeros(2, 3, dtype=torch.float64)
    assert "expected shape (2, 3), received shape (3, 2)" in str(compare(e.t(), e, "output"))
    assert "expected dtype float64, received float32" in str(compare(e.float(), e, "output"))


def test_compare_accepts_float64_rounding_differences() -> None:
    e = torch.randn(100, dtype=torch.float64)
    assert compare(e * (1 + 1e-13), e, "output") is None


def test_static_scan_resolves_import_aliases() -> None:
    source = "import torch.nn.functional as F\nfrom torch import nn\ndef conv2d(x, w):\n    return F.conv2d(x, w)\n"
    hits = scan_source(source, CONV, ["conv2d"])
    assert [(h.scope, h.name, h.line) for h in hits] == [
        ("conv2d", "torch.nn.functional.conv2d", 4)
    ]


def test_static_scan_ignores_the_main_guard_and_flags_module_level_use() -> None:
    source = (
        "import torch\nALIAS = torch.conv2d\ndef conv2d(x, w):\n    return x\n"
        "if __name__ == '__main__':\n    torch.conv2d(1, 2)\n"
    )
    hits = scan_source(source, CONV, ["conv2d"])
    assert [(h.scope, h.line) for h in hits] == [(MODULE_SCOPE, 2)]


def test_pure_python_exercises_forbid_any_torch_use() -> None:
    spec = ForbiddenSpec(names=("torch",), all_torch=True)
    source = (
        "import torch\ndef broadcast_shape(*s):\n    return tuple(torch.broadcast_shapes(*s))\n"
    )
    assert scan_source(source, spec, ["broadcast_shape"])


runner = CliRunner()


def test_cli_list_shows_every_exercise() -> None:
    result = runner.invoke(app, ["exercise", "list"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    for name in ("conv2d", "batch_norm", "conv_arithmetic", "modules"):
        assert name in result.output


def test_cli_start_writes_a_starter_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "c.py"
    assert runner.invoke(app, ["exercise", "start", "conv2d", "-o", str(target)]).exit_code == 0
    assert "def conv2d(" in target.read_text()
    again = runner.invoke(app, ["exercise", "start", "conv2d", "-o", str(target)])
    assert again.exit_code == 2


def test_cli_check_unknown_exercise_is_bad_usage(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    path.write_text("")
    assert runner.invoke(app, ["exercise", "check", "nope", str(path)]).exit_code == 2


def test_cli_check_json_prints_one_object_with_the_documented_schema() -> None:
    path = SOLUTIONS / "broadcasting.py"
    result = runner.invoke(
        app, ["exercise", "check", "broadcasting", str(path), "--json", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"exercise", "passed", "score", "max_score", "tests"}
    assert data["passed"] is True and data["score"] == data["max_score"]
    assert set(data["tests"][0]) == {
        "name",
        "function",
        "status",
        "points",
        "max_points",
        "message",
    }
    assert data["tests"][0]["function"] == "broadcast_shape"


def test_cli_check_exits_1_when_a_test_fails(tmp_path: Path) -> None:
    path = tmp_path / "b.py"
    path.write_text("def broadcast_shape(*shapes):\n    return ()\n")
    result = runner.invoke(
        app, ["exercise", "check", "broadcasting", str(path), "--seed", "1"], env={"COLUMNS": "150"}
    )
    assert result.exit_code == 1
    assert "expected" in result.output and "reproduce with --seed 1" in result.output
