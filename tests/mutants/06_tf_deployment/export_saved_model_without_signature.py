"""tf.saved_model.save without an explicit signature: the default serving signature's input
is named after the call argument (`inputs`), not `features`.

breaks: export_for_serving
"""


def export_for_serving(model, export_dir, version=1):
    path = os.path.join(export_dir, str(version))
    with quiet():
        tf.saved_model.save(model, path)
    return path
