"""on_device ignores its device argument and just calls fn(x) (no device scope).

breaks: on_device
"""


def on_device(fn, x, device="/CPU:0"):
    return fn(x)
