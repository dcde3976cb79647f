"""The model zoo against the figures torchvision publishes for the builders of the same name.

Where the published figures come from
-------------------------------------
Every torchvision classification builder has a ``*_Weights.IMAGENET1K_V1`` enum whose ``meta``
dict holds ``"num_params"`` and ``"_ops"`` (GFLOPS, 3 decimals), in pytorch/vision
``torchvision/models/<family>.py`` (e.g. ``ResNet50_Weights`` in ``torchvision/models/resnet.py``:
``"num_params": 25557032``, ``"_ops": 4.089``). The docs render them, rounded to 2 decimals, on
each builder's page, https://docs.pytorch.org/vision/stable/models/generated/torchvision.models.<name>.html
and in the "Table of all available classification weights" at
https://docs.pytorch.org/vision/stable/models.html.

How torchvision computed ``_ops``: pytorch/vision PR #6936 "Adding FLOPs and size to model
metadata" (https://github.com/pytorch/vision/pull/6936), a ``TorchDispatchMode`` flop counter
after Horace He's (the ancestor of ``torch.utils.flop_counter``) that counts only convolution and
matmul-family ops, one multiply-accumulate per unit. ``FlopCounterMode`` counts the same ops at
2 FLOPs per multiply-accumulate, so GMACs = flops / 2 / 1e9 is exactly torchvision's "GFLOPS";
BatchNorm, activations, pooling, residual adds and biases are counted by neither.

All eleven torchvision models match both published numbers exactly: parameter counts to the unit,
MACs to the 3 decimals of ``_ops`` (and so to the 2 decimals the docs show). No tolerance is used.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from quizkit.errors import UsageError
from quizkit.zoo import ENTRIES, ZOO_NAMES, build


@dataclass(frozen=True)
class Published:
    """torchvision's published figures for one builder, and the file they were read from."""

    name: str
    num_params: int
    ops: float  # meta["_ops"], GMACs at 224×224, as written in the source (3 decimals)
    docs_gflops: float  # the same figure as the docs table shows it (2 decimals)
    source: str


_TV = "pytorch/vision torchvision/models/"

# The oracle table: one row per torchvision builder in the zoo.
PUBLISHED: tuple[Published, ...] = (
    Published("alexnet", 61_100_840, 0.714, 0.71, _TV + "alexnet.py AlexNet_Weights"),
    Published("vgg11", 132_863_336, 7.609, 7.61, _TV + "vgg.py VGG11_Weights"),
    Published("vgg16", 138_357_544, 15.47, 15.47, _TV + "vgg.py VGG16_Weights"),
    Published("vgg16_bn", 138_365_992, 15.47, 15.47, _TV + "vgg.py VGG16_BN_Weights"),
    # num_params is for the model *without* aux heads: googlenet(weights=...) builds with
    # aux_logits=True to load the checkpoint, then sets aux1 = aux2 = None unless asked for them.
    Published("googlenet", 6_624_904, 1.498, 1.50, _TV + "googlenet.py GoogLeNet_Weights"),
    Published("resnet18", 11_689_512, 1.814, 1.81, _TV + "resnet.py ResNet18_Weights"),
    Published("resnet34", 21_797_672, 3.664, 3.66, _TV + "resnet.py ResNet34_Weights"),
    Published("resnet50", 25_557_032, 4.089, 4.09, _TV + "resnet.py ResNet50_Weights"),
    Published("densenet121", 7_978_856, 2.834, 2.83, _TV + "densenet.py DenseNet121_Weights"),
    Published("mobilenet_v2", 3_504_872, 0.301, 0.30, _TV + "mobilenetv2.py MobileNet_V2_Weights"),
    Published("squeezenet1_0", 1_248_424, 0.819, 0.82, _TV + "squeezenet.py SqueezeNet1_0_Weights"),
)
PUBLISHED_BY_NAME = {row.name: row for row in PUBLISHED}


def _num_params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _macs(model: torch.nn.Module, input_shape: tuple[int, ...]) -> int:
    """Multiply-accumulates of one forward pass on a meta input (FlopCounterMode FLOPs / 2)."""
    with FlopCounterMode(display=False) as counter:
        model(torch.empty(input_shape, device="meta"))
    flops = counter.get_total_flops()
    assert flops % 2 == 0, f"odd FLOP count {flops}: not all counted ops are MACs"
    return flops // 2


@pytest.fixture(scope="module")
def measured() -> dict[str, tuple[int, int, tuple[int, ...]]]:
    """name → (parameters, MACs, output shape), each model built once on meta."""
    table = {}
    for name in ZOO_NAMES:
        model = build(name)
        shape = ENTRIES[name].input_shape
        with torch.no_grad():
            out_shape = tuple(model(torch.empty(shape, device="meta")).shape)
        table[name] = (_num_params(model), _macs(model, shape), out_shape)
    return table


# --- the registry ---------------------------------------------------------------------------


def test_zoo_names_cover_the_issue_list_in_order() -> None:
    assert ZOO_NAMES == (
        "lenet5",
        "alexnet",
        "vgg11",
        "vgg16",
        "vgg16_bn",
        "nin",
        "googlenet",
        "resnet18",
        "resnet34",
        "resnet50",
        "densenet121",
        "mobilenet_v2",
        "squeezenet1_0",
    )
    assert set(ENTRIES) == set(ZOO_NAMES)
    assert all(ENTRIES[name].name == name for name in ZOO_NAMES)


@pytest.mark.parametrize("name", ZOO_NAMES)
def test_entry_published_figures_agree_with_the_oracle_table(name: str) -> None:
    entry = ENTRIES[name]
    row = PUBLISHED_BY_NAME.get(name)
    if row is None:
        assert (entry.published_params, entry.published_gflops) == (None, None)
        assert "d2l" in entry.reference
        return
    assert entry.published_params == row.num_params
    assert entry.published_gflops == row.docs_gflops
    assert entry.published_gflops == round(row.ops, 2)
    assert name in entry.reference


def test_importing_the_zoo_does_not_import_torch() -> None:
    code = "import sys, quizkit.zoo; assert 'torch' not in sys.modules, 'torch was imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_unknown_name_is_a_usage_error_listing_the_known_names() -> None:
    with pytest.raises(UsageError, match=r"unknown model 'resnet51'; known: lenet5, alexnet"):
        build("resnet51")


# --- torchvision's published figures ---------------------------------------------------------


@pytest.mark.parametrize("row", PUBLISHED, ids=lambda row: row.name)
def test_parameter_count_equals_torchvision_num_params(
    row: Published, measured: dict[str, tuple[int, int, tuple[int, ...]]]
) -> None:
    params, _, _ = measured[row.name]
    assert params == row.num_params, (
        f"{row.name}: received {params:,} parameters, expected {row.num_params:,} ({row.source})"
    )


@pytest.mark.parametrize("row", PUBLISHED, ids=lambda row: row.name)
def test_macs_at_224_equal_torchvision_gflops(
    row: Published, measured: dict[str, tuple[int, int, tuple[int, ...]]]
) -> None:
    _, macs, _ = measured[row.name]
    gmacs = macs / 1e9
    assert round(gmacs, 3) == row.ops, (
        f"{row.name}: received {gmacs:.4f} GMACs, expected _ops {row.ops} ({row.source})"
    )
    assert round(gmacs, 2) == row.docs_gflops


# --- d2l models, counted by hand -------------------------------------------------------------


def test_lenet5_parameters_and_macs_match_the_hand_count(
    measured: dict[str, tuple[int, int, tuple[int, ...]]],
) -> None:
    """Parameters: conv1 6·25+6 = 156, conv2 16·150+16 = 2 416, fc 400·120+120 = 48 120,
    120·84+84 = 10 164, 84·10+10 = 850; total 61 706.
    MACs: 6·28²·25 + 16·10²·150 + 400·120 + 120·84 + 84·10 = 416 520."""
    assert measured["lenet5"] == (61_706, 416_520, (1, 10))


def test_nin_parameters_and_macs_match_the_hand_count(
    measured: dict[str, tuple[int, int, tuple[int, ...]]],
) -> None:
    """Parameters per block (k×k conv + two 1×1 convs, all with bias):
    96·121+96 + 2(96²+96) = 30 336; 256·96·25+256 + 2(256²+256) = 746 240;
    384·256·9+384 + 2(384²+384) = 1 180 800; 10·384·9+10 + 2(10²+10) = 34 790; total 1 992 166.
    MACs at 1×224×224 (maps 54, 26, 12, 5): 87 619 968 + 503 939 072 + 169 869 312 + 869 000
    = 762 297 352."""
    assert measured["nin"] == (1_992_166, 762_297_352, (1, 10))


def test_lenet5_layer_shapes_follow_d2l() -> None:
    model = build("lenet5")
    assert isinstance(model, torch.nn.Sequential)
    x = torch.empty(1, 1, 28, 28, device="meta")
    shapes = []
    for layer in model:
        x = layer(x)
        shapes.append(tuple(x.shape))
    assert shapes == [
        (1, 6, 28, 28),
        (1, 6, 28, 28),
        (1, 6, 14, 14),
        (1, 16, 10, 10),
        (1, 16, 10, 10),
        (1, 16, 5, 5),
        (1, 400),
        (1, 120),
        (1, 120),
        (1, 84),
        (1, 84),
        (1, 10),
    ]


# --- building ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ZOO_NAMES)
def test_output_shape_is_batch_by_num_classes(
    name: str, measured: dict[str, tuple[int, int, tuple[int, ...]]]
) -> None:
    entry = ENTRIES[name]
    assert measured[name][2] == (entry.input_shape[0], entry.num_classes)


@pytest.mark.parametrize("name", ZOO_NAMES)
def test_meta_build_allocates_no_storage_and_is_in_eval_mode(name: str) -> None:
    model = build(name)
    tensors = [*model.parameters(), *model.buffers()]
    assert tensors, f"{name} has no parameters"
    not_meta = [n for n, t in [*model.named_parameters(), *model.named_buffers()] if not t.is_meta]
    assert not_meta == [], f"{name}: tensors off the meta device: {not_meta[:5]}"
    assert not model.training
    assert not any(m.training for m in model.modules())


@pytest.mark.parametrize("name", ["resnet50", "squeezenet1_0", "nin", "googlenet"])
def test_num_classes_overrides_the_default(name: str) -> None:
    model = build(name, num_classes=7)
    out = model(torch.empty(ENTRIES[name].input_shape, device="meta"))
    assert tuple(out.shape) == (1, 7)


def test_cpu_build_runs_a_real_forward_pass() -> None:
    torch.manual_seed(0)
    model = build("lenet5", device="cpu")
    assert next(model.parameters()).device.type == "cpu"
    with torch.no_grad():
        out = model(torch.zeros(2, 1, 28, 28))
    assert out.shape == (2, 10)
    assert torch.isfinite(out).all()


def test_googlenet_has_no_aux_heads() -> None:
    model = build("googlenet")
    names = {name for name, _ in model.named_modules()}
    assert not any(name.startswith("aux") for name in names)


# Keys from torchvision's state dicts (same module layout, so per-layer tables read the same).
STATE_DICT_KEYS = {
    "alexnet": ["features.0.weight", "features.10.weight", "classifier.6.weight"],
    "vgg16": ["features.0.weight", "features.28.weight", "classifier.6.bias"],
    "vgg16_bn": ["features.1.running_mean", "features.41.weight", "classifier.0.weight"],
    "googlenet": ["conv1.conv.weight", "conv1.bn.weight", "inception5b.branch4.1.conv.weight"],
    "resnet50": ["conv1.weight", "layer1.0.downsample.0.weight", "layer4.2.bn3.bias", "fc.weight"],
    "densenet121": [
        "features.conv0.weight",
        "features.denseblock1.denselayer1.conv1.weight",
        "features.transition3.conv.weight",
        "features.norm5.running_var",
        "classifier.weight",
    ],
    "mobilenet_v2": [
        "features.0.0.weight",
        "features.1.conv.0.0.weight",
        "features.1.conv.1.weight",
        "features.2.conv.3.running_mean",
        "features.18.0.weight",
        "classifier.1.weight",
    ],
    "squeezenet1_0": ["features.0.weight", "features.12.expand3x3.weight", "classifier.1.bias"],
}


@pytest.mark.parametrize("name", sorted(STATE_DICT_KEYS))
def test_state_dict_keys_mirror_torchvision(name: str) -> None:
    keys = set(build(name).state_dict())
    missing = [key for key in STATE_DICT_KEYS[name] if key not in keys]
    assert missing == [], f"{name}: missing torchvision keys {missing}"
