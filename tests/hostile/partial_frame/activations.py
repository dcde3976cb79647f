# ruff: noqa: SIM105
# A length header and a partial frame on every descriptor, then the right answer: the grader
# must not wait forever for the rest of the frame.
import os
import struct


def relu(x):
    for fd in range(3, 64):
        try:
            os.write(fd, struct.pack("!Q", 1000) + b"partial")
        except OSError:
            pass
    return x.clamp(min=0)
