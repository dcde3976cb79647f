"""LeNet-5 as in d2l ("Dive into Deep Learning", §7.6 / chapter_convolutional-neural-networks/lenet).

Input ``1×28×28`` (Fashion-MNIST), sigmoid activations, average pooling::

    Conv2d(1, 6, 5, padding=2)  -> 6×28×28    params 6·(1·25)+6    =    156
    AvgPool2d(2, 2)             -> 6×14×14
    Conv2d(6, 16, 5)            -> 16×10×10   params 16·(6·25)+16  =  2 416
    AvgPool2d(2, 2)             -> 16×5×5
    Linear(16·5·5, 120)                       params 400·120+120   = 48 120
    Linear(120, 84)                           params 120·84+84     = 10 164
    Linear(84, 10)                            params 84·10+10      =    850
                                                             total = 61 706

Multiply-accumulates for one image (a conv output of C×H×W with a K-element kernel costs
C·H·W·K; biases, pooling and activations are not counted)::

    conv1  6·28·28·(1·5·5)      = 117 600
    conv2  16·10·10·(6·5·5)     = 240 000
    fc     400·120 + 120·84 + 84·10 = 58 920
                                total = 416 520
"""

from __future__ import annotations

from torch import nn


def lenet5(*, num_classes: int = 10) -> nn.Sequential:
    """The d2l LeNet-5: 61 706 parameters with ``num_classes=10``."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.Sigmoid(),
        nn.Linear(120, 84),
        nn.Sigmoid(),
        nn.Linear(84, num_classes),
    )
