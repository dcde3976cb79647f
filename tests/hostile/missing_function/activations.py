def rectifier(x):
    return x.clamp(min=0)
