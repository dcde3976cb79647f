# A segmentation fault without ctypes.
import faulthandler


def relu(x):
    faulthandler._sigsegv()
