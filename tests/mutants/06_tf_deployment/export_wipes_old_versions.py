"""Deletes export_dir before writing, so older versions disappear (no side-by-side versions,
no rollback).

breaks: export_for_serving
"""
import shutil


def export_for_serving(model, export_dir, version=1):
    shutil.rmtree(export_dir, ignore_errors=True)
    path = os.path.join(export_dir, str(version))
    width = model.inputs[0].shape[-1]
    signature = [tf.TensorSpec([None, width], tf.float32, name="features")]
    with quiet():
        model.export(path, format="tf_saved_model", input_signature=signature, verbose=False)
    return path
