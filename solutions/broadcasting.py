"""Reference solution: broadcast_shape in pure Python."""


def broadcast_shape(*shapes):
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(1, ndim + 1):
        size = 1
        for s in shapes:
            if i > len(s) or s[-i] == 1:
                continue
            if size != 1 and s[-i] != size:
                raise ValueError(f"shapes {shapes} do not broadcast at dim -{i}")
            size = s[-i]
        out.append(size)
    return tuple(reversed(out))
