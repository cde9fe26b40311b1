"""No input signature: Keras names the serving input itself (keras_tensor), so clients
cannot send `features`.

breaks: export_for_serving
"""


def export_for_serving(model, export_dir, version=1):
    path = os.path.join(export_dir, str(version))
    with quiet():
        model.export(path, format="tf_saved_model", verbose=False)
    return path
