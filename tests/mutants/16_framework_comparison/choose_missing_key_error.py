"""choose_framework indexes the dict directly, so a missing key raises KeyError instead of meaning False.

breaks: choose_framework
"""


def choose_framework(needs):
    if not needs["deep_learning"]:
        return "scikit-learn"
    if needs["deployment"]:
        return "tensorflow"
    if needs["research"]:
        return "pytorch"
    return "keras"
