"""The SavedModel is written straight into export_dir, with no numbered version folder
(TF Serving finds no version to serve).

breaks: export_for_serving
"""


def export_for_serving(model, export_dir, version=1):
    width = model.inputs[0].shape[-1]
    signature = [tf.TensorSpec([None, width], tf.float32, name="features")]
    with quiet():
        model.export(export_dir, format="tf_saved_model", input_signature=signature, verbose=False)
    return export_dir
