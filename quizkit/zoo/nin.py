"""Network in Network as in d2l (§8.3, chapter_convolutional-modern/nin).

Each NiN block is one ordinary convolution followed by two 1×1 convolutions, each with ReLU; the
1×1 convolutions act as a per-pixel fully connected layer. There is no ``nn.Linear``: the last
block has ``num_classes`` output channels and global average pooling turns it into the logits.
d2l feeds it 1×224×224 Fashion-MNIST images (resized) with 10 classes.

Parameter count with ``num_classes=10`` (a block with ``c_in → c`` and kernel ``k`` has
``c·c_in·k² + c`` plus ``2·(c² + c)`` for the two 1×1 convolutions)::

    nin_block(1, 96, k=11)     96·1·121+96     + 2·(96²+96)     =    30 336
    nin_block(96, 256, k=5)    256·96·25+256   + 2·(256²+256)   =   746 240
    nin_block(256, 384, k=3)   384·256·9+384   + 2·(384²+384)   = 1 180 800
    nin_block(384, 10, k=3)    10·384·9+10     + 2·(10²+10)     =    34 790
                                                         total = 1 992 166

Spatial sizes at 224: ``floor((224 - 11)/4) + 1 = 54``, pool → 26, pool → 12, pool → 5.
Multiply-accumulates for one 1×224×224 image (conv k×k then two 1×1 convs)::

    block 1 at 54×54   96·54²·121      + 2·96²·54²     =  87 619 968
    block 2 at 26×26   256·26²·96·25   + 2·256²·26²    = 503 939 072
    block 3 at 12×12   384·12²·256·9   + 2·384²·12²    = 169 869 312
    block 4 at 5×5     10·5²·384·9     + 2·10²·5²      =     869 000
                                                 total = 762 297 352
"""

from __future__ import annotations

from torch import nn


def nin_block(
    in_channels: int, out_channels: int, kernel_size: int, stride: int, padding: int
) -> nn.Sequential:
    """Conv(k×k) → ReLU → Conv(1×1) → ReLU → Conv(1×1) → ReLU."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(),
    )


def nin(*, num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    """The d2l NiN: 1 992 166 parameters with one input channel and ``num_classes=10``."""
    return nn.Sequential(
        nin_block(in_channels, 96, kernel_size=11, stride=4, padding=0),
        nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, kernel_size=5, stride=1, padding=2),
        nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, kernel_size=3, stride=1, padding=1),
        nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        nin_block(384, num_classes, kernel_size=3, stride=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )
