"""The signature's batch dimension is fixed to 1 instead of None: requests with several rows fail.

breaks: export_for_serving
"""


def export_for_serving(model, export_dir, version=1):
    path = os.path.join(export_dir, str(version))
    width = model.inputs[0].shape[-1]
    signature = [tf.TensorSpec([1, width], tf.float32, name="features")]
    with quiet():
        model.export(path, format="tf_saved_model", input_signature=signature, verbose=False)
    return path
