"""VGG as torchvision builds it (``torchvision.models.vgg11/vgg16/vgg16_bn``).

Every convolution is 3×3 with padding 1, so it keeps the spatial size; every ``"M"`` is a 2×2
max-pool with stride 2, so it halves it. Five pools take 224 to 7, hence the classifier input
512·7·7. Configurations from Simonyan & Zisserman (arXiv:1409.1556), table 1: A is VGG-11,
D is VGG-16. The ``_bn`` variants put ``BatchNorm2d`` between each convolution and its ReLU.
"""

from __future__ import annotations

import torch
from torch import nn

CONFIGS: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


def make_layers(config: list[int | str], *, batch_norm: bool = False) -> nn.Sequential:
    """The ``features`` stack for one configuration: ints are conv widths, ``"M"`` a max-pool."""
    layers: list[nn.Module] = []
    in_channels = 3
    for item in config:
        if item == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        assert isinstance(item, int)
        layers.append(nn.Conv2d(in_channels, item, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(item))
        layers.append(nn.ReLU(inplace=True))
        in_channels = item
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """``features`` → ``avgpool`` (7×7) → ``classifier`` (4096 → 4096 → classes)."""

    def __init__(self, features: nn.Module, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        # torchvision's initialisation, so a CPU build starts where torchvision's does.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def vgg11(*, num_classes: int = 1000) -> VGG:
    """VGG-11 (configuration A): 132 863 336 parameters with 1000 classes."""
    return VGG(make_layers(CONFIGS["A"]), num_classes=num_classes)


def vgg16(*, num_classes: int = 1000) -> VGG:
    """VGG-16 (configuration D): 138 357 544 parameters with 1000 classes."""
    return VGG(make_layers(CONFIGS["D"]), num_classes=num_classes)


def vgg16_bn(*, num_classes: int = 1000) -> VGG:
    """VGG-16 with batch norm: 138 365 992 parameters (13 BN layers add 2·4224 = 8448)."""
    return VGG(make_layers(CONFIGS["D"], batch_norm=True), num_classes=num_classes)
