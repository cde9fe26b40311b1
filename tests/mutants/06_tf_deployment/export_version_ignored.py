"""The version argument is ignored: every export goes to export_dir/1.

breaks: export_for_serving
"""


def export_for_serving(model, export_dir, version=1):
    path = os.path.join(export_dir, "1")
    width = model.inputs[0].shape[-1]
    signature = [tf.TensorSpec([None, width], tf.float32, name="features")]
    with quiet():
        model.export(path, format="tf_saved_model", input_signature=signature, verbose=False)
    return path
