"""AlexNet as torchvision builds it (``torchvision.models.alexnet``).

This is the "one weird trick" variant (Krizhevsky 2014, arXiv:1404.5997), not the 2012 paper's
two-GPU model: 64/192/384/256/256 channels and no local response normalisation. The
adaptive average pool fixes the classifier input at 256·6·6 whatever the image size.
"""

from __future__ import annotations

import torch
from torch import nn


class AlexNet(nn.Module):
    """``features`` (5 conv layers) → ``avgpool`` (6×6) → ``classifier`` (3 linear layers)."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def alexnet(*, num_classes: int = 1000) -> AlexNet:
    """torchvision's ``alexnet()``: 61 100 840 parameters with 1000 classes."""
    return AlexNet(num_classes=num_classes)
