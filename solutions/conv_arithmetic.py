"""Reference solution: convolution arithmetic in pure Python."""


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _check(size):
    if size < 1:
        raise ValueError(f"output size {size} is too small")
    return size


def conv2d_output_size(h_w, kernel_size, stride=1, padding=0, dilation=1):
    return tuple(
        _check((n + 2 * p - d * (k - 1) - 1) // s + 1)
        for n, k, s, p, d in zip(_pair(h_w), _pair(kernel_size), _pair(stride), _pair(padding),
                                 _pair(dilation))
    )


def pool2d_output_size(h_w, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    stride = kernel_size if stride is None else stride
    out = []
    for n, k, s, p, d in zip(_pair(h_w), _pair(kernel_size), _pair(stride), _pair(padding),
                             _pair(dilation)):
        span = n + 2 * p - d * (k - 1) - 1
        size = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (size - 1) * s >= n + p:
            size -= 1  # the last window would start inside the right padding
        out.append(_check(size))
    return tuple(out)


def conv_transpose2d_output_size(h_w, kernel_size, stride=1, padding=0, output_padding=0,
                                 dilation=1):
    return tuple(
        _check((n - 1) * s - 2 * p + d * (k - 1) + op + 1)
        for n, k, s, p, op, d in zip(_pair(h_w), _pair(kernel_size), _pair(stride),
                                     _pair(padding), _pair(output_padding), _pair(dilation))
    )


def conv2d_params(in_channels, out_channels, kernel_size, bias=True, groups=1):
    kh, kw = _pair(kernel_size)
    return out_channels * (in_channels // groups) * kh * kw + (out_channels if bias else 0)


def conv2d_flops(in_channels, out_channels, kernel_size, output_hw, groups=1):
    kh, kw = _pair(kernel_size)
    oh, ow = _pair(output_hw)
    # one multiply and one add per weight per output position
    return 2 * out_channels * (in_channels // groups) * kh * kw * oh * ow
