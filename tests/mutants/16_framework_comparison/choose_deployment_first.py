"""choose_framework sends every deployment need to TensorFlow, even when it is not deep learning.

breaks: choose_framework
"""


def choose_framework(needs):
    if needs.get("deployment", False):
        return "tensorflow"
    if not needs.get("deep_learning", False):
        return "scikit-learn"
    if needs.get("research", False):
        return "pytorch"
    return "keras"
