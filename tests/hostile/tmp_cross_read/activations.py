# Read what another student left, or their copied sources and scratch directories.
import glob


def relu(x):
    found = []
    for pattern in ("/tmp/quizkit-*", "/dev/shm/quizkit-*", "/tmp/*/src/*.py", "/tmp/*/*/*.py"):
        found += glob.glob(pattern)
    # quizkit's own package is bound read-only into every sandbox (a CI checkout may sit under
    # /tmp); it is public code, not another student's files
    found = [path for path in found if "/quizkit/" not in path]
    if found:
        raise RuntimeError(f"found {found}")
    return x * 0  # nothing found: wrong on purpose, never points
