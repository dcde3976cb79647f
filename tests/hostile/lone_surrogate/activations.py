# A lone surrogate, NUL, U+FFFE and terminal escapes in a message and in the output.
def relu(x):
    print("\ud800 \x00 \ufffe \x1b[2J\x1b]0;pwned\x07")
    raise ValueError("bad \ud800 \udfff \x00 \ufffe \x1b[31mred")
