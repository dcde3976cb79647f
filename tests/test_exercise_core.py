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


# ---------------------------------------------------------------- protocol (issue 10)


def test_typed_requests_and_replies_round_trip_through_the_wire() -> None:
    x = torch.randn(2, 3, dtype=torch.float64)
    request = protocol.CallRequest("relu", [x], {"inplace": False}, seed=7, grad_wrt=(0,))
    request_id, back = protocol.request_from_wire(protocol.request_to_wire(request, 42))
    assert request_id == 42 and isinstance(back, protocol.CallRequest)
    assert torch.equal(back.args[0], x) and back.kwargs == {"inplace": False}
    chain = protocol.ChainRequest((protocol.ChainCall("step", [x, protocol.ref(0, 1)]),), seed=1)
    _, chain_back = protocol.request_from_wire(protocol.request_to_wire(chain, 1))
    assert isinstance(chain_back, protocol.ChainRequest)
    assert chain_back.calls[0].args[1] == protocol.ref(0, 1)
    reply = protocol.CallReply(value=(x, 3), same_object=(0,), grads=[None, x])
    reply_id, answer = protocol.reply_from_wire(protocol.reply_to_wire(reply, 42, ["aten::relu"]))
    assert reply_id == 42 and answer.forbidden == ("aten::relu",)
    assert isinstance(answer.reply, protocol.CallReply) and answer.reply.same_object == (0,)
    assert torch.equal(answer.reply.value[0], x) and answer.reply.grads[0] is None


def test_no_op_string_is_written_outside_the_protocol_module() -> None:
    package = Path(quizkit.__file__).parent
    offenders = [
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if p.name != "protocol.py" and '"op":' in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_a_frame_whose_payload_never_arrives_ends_at_the_deadline() -> None:
    import socket
    import time

    grader, worker = socket.socketpair()
    with grader, worker:
        worker.sendall(protocol.HEADER.pack(1000) + b"partial")
        started = time.monotonic()
        with pytest.raises(protocol.FrameTimeout):
            protocol.read_frame(grader, deadline=started + 0.3, max_bytes=10_000)
        assert time.monotonic() - started < 3


def test_a_frame_larger_than_the_limit_is_refused_before_its_payload_is_read() -> None:
    import socket
    import time

    grader, worker = socket.socketpair()
    with grader, worker:
        worker.sendall(protocol.HEADER.pack(10**12))
        with pytest.raises(protocol.ProtocolError, match="limit"):
            protocol.read_frame(grader, deadline=time.monotonic() + 5, max_bytes=1000)


def test_a_reply_repeating_one_long_string_is_refused_at_a_bounded_cost() -> None:
    long = "x" * (1 << 20)
    data = protocol.reply_to_wire(protocol.CallReply(value=[long] * 100_000), 1, [])
    assert len(data) < 2 * (1 << 20)  # pickle shares the string: small on the wire
    with pytest.raises(protocol.ProtocolError, match="expands"):
        protocol.reply_from_wire(data)


def test_describing_a_received_value_costs_little_whatever_it_repeats() -> None:
    from quizkit.exercises.compare import describe_value

    text = describe_value(["y" * (1 << 20)] * 10_000)
    assert len(text) <= 80


# ---------------------------------------------------------------- allow-list (issue 10)


def _traced(spec: ForbiddenSpec, fn: object) -> list[str]:
    from quizkit.exercises.forbidden import Tracer

    tracer = Tracer.from_wire(spec.to_wire())
    with tracer.watch():
        fn()  # type: ignore[operator]
    return tracer.hits


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("_safe_softmax", lambda x: torch._safe_softmax(x, 1)),
        (
            "slow_conv_dilated2d",
            lambda x: torch._C._nn.slow_conv_dilated2d(
                x, torch.ones(1, 2, 1, 1, dtype=x.dtype), [1, 1], None, [1, 1], [0, 0], [1, 1]
            ),
        ),
        ("native_layer_norm", lambda x: torch.nn.functional.layer_norm(x, x.shape[-1:])),
        ("max_pool2d", lambda x: torch.nn.functional.max_pool2d(x, 2)),
    ],
)
def test_a_kernel_off_the_allow_list_is_forbidden_whatever_its_route(
    name: str, call: object
) -> None:
    x = torch.randn(1, 2, 4, 4, dtype=torch.float64)
    hits = _traced(ForbiddenSpec(), lambda: call(x))  # type: ignore[operator]
    assert any(name in h and "not among the ops" in h for h in hits), hits


def test_building_blocks_and_autograd_backward_are_allowed() -> None:
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)

    def work() -> None:
        y = (x - x.amax(1, keepdim=True)).exp()
        z = (y / y.sum(1, keepdim=True)) @ torch.randn(4, 2, dtype=torch.float64)
        torch.autograd.grad(z.relu().sum(), [x])

    assert _traced(ForbiddenSpec(), work) == []


def test_an_exercise_may_refuse_a_base_op_and_add_a_kernel() -> None:
    x = torch.randn(1, 2, 4, 4, dtype=torch.float64)
    spec = ForbiddenSpec(aten=("aten::exp",), extra_ops=("aten::max_pool2d_with_indices",))
    assert _traced(spec, lambda: x.exp()) == ["aten::exp"]
    assert _traced(spec, lambda: torch.nn.functional.max_pool2d(x, 2)) == []
    assert _traced(ForbiddenSpec(any_op=True), lambda: torch._safe_softmax(x, 1)) == []


def test_the_seccomp_program_only_jumps_forward_inside_itself() -> None:
    import struct

    from quizkit.exercises.isolation import seccomp_program

    for machine in ("x86_64", "aarch64"):
        program = seccomp_program(machine)
        assert program is not None and len(program) % 8 == 0
        count = len(program) // 8
        for i in range(count):
            code, jt, jf, _ = struct.unpack_from("HBBI", program, i * 8)
            if code & 0x07 == 0x05:  # BPF_JMP
                assert i + 1 + max(jt, jf) < count
    assert seccomp_program("sparc") is None
