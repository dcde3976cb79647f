"""Reference solution: one step of SGD and of Adam (no forbidden calls)."""

import math


def sgd_step(param, grad, momentum_buffer, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
             nesterov=False):
    d = grad + weight_decay * param if weight_decay else grad.clone()
    buf = None
    if momentum:
        buf = d.clone() if momentum_buffer is None else momentum * momentum_buffer + (1 - dampening) * d
        d = d + momentum * buf if nesterov else buf
    return param - lr * d, buf


def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
              weight_decay=0.0):
    beta1, beta2 = betas
    if weight_decay:
        grad = grad + weight_decay * param
    m = beta1 * exp_avg + (1 - beta1) * grad
    v = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m, v
