# A forked child runs outside the parent's request and could do forbidden work unseen.
import os

import torch.nn.functional as F


def relu(x):
    pid = os.fork()
    if pid == 0:
        F.relu(x)
        os._exit(0)
    os.waitpid(pid, 0)
    return x.clamp(min=0)
