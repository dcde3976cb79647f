# Leave files in /tmp and /dev/shm, fill them past any cap, and leave a note for the next student.
import os


def relu(x):
    with open("/tmp/quizkit-hostile-note", "w") as f:
        f.write("left by tmp_leftovers")
    with open("/dev/shm/quizkit-hostile-note", "w") as f:
        f.write("left by tmp_leftovers")
    with open("/tmp/quizkit-hostile-fill", "wb") as f:
        for _ in range(1024):
            f.write(os.urandom(1 << 20))  # 1 GB: must stop at the cap
    return x.clamp(min=0)
