"""choose_framework asks about research before deployment.

breaks: choose_framework
"""


def choose_framework(needs):
    if not needs.get("deep_learning", False):
        return "scikit-learn"
    if needs.get("research", False):
        return "pytorch"
    if needs.get("deployment", False):
        return "tensorflow"
    return "keras"
