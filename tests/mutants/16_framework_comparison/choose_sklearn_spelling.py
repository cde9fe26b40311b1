"""choose_framework answers "sklearn" instead of "scikit-learn".

breaks: choose_framework
"""


def choose_framework(needs):
    if not needs.get("deep_learning", False):
        return "sklearn"
    if needs.get("deployment", False):
        return "tensorflow"
    if needs.get("research", False):
        return "pytorch"
    return "keras"
