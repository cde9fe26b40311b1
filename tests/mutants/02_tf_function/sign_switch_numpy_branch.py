"""sign_switch decides the branch in Python with NumPy (np.sum of .numpy()), outside any graph.

breaks: sign_switch
"""
import numpy as np


def sign_switch(x):
    return x if np.sum(x.numpy()) > 0 else -x
