# Replace the worker with a fresh interpreter.
import os
import sys


def relu(x):
    os.execv(sys.executable, [sys.executable, "-c", "print('escaped')"])
