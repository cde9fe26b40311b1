"""Cheats against the graders of 14_keras_layers_models (issue 22), one per mechanism a reader of the graders
could use: the digits CNN's accuracy on public data looked up instead of learned (through the model's predict,
a custom layer, or answers stored in the configuration as initial weights), a training reference computed in
the learner's own process after the learner patched `fit`, and outputs shaped to make the trusted process
broadcast. Each is a wrong submission plus the attack; it must earn exactly what its wrong functions earn on
their own."""
from cheat_kit import Cheat as _Cheat, dedent

A = "14_keras_layers_models"

# Every graded name defined, every one wrong (each returns something of roughly the right kind).
WRONG = dedent('''
    import numpy as np
    import keras

    def sequential_mlp(input_dim, hidden, num_classes, dropout):
        return keras.Sequential([keras.Input((input_dim,)), keras.layers.Dense(num_classes + 1, activation="softmax")])

    def functional_two_inputs(num_dim, text_len, vocab, num_classes):
        raise NotImplementedError()

    def digits_cnn():
        inputs = keras.Input((8, 8, 1))
        return keras.Model(inputs, keras.layers.Dense(11, activation="softmax")(keras.layers.Flatten()(inputs)))

    def rnn_param_count(kind, input_dim, units):
        return 0

    def sequence_model(kind, vocab, embed_dim, units):
        raise NotImplementedError()

    def text_cnn(vocab, embed_dim, filters, kernel_size, num_classes):
        raise NotImplementedError()

    def compile_and_fit(model, x, y, epochs):
        model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return None
    ''')

# Nearest neighbour among all of scikit-learn's digits, test images included: the "answer" to any digit image.
LOOKUP = dedent('''
    def _digits_answers(images):
        from sklearn.datasets import load_digits
        X, y = load_digits(return_X_y=True)
        flat = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
        d = ((flat[:, None, :] - (X / 16.0)[None, :, :]) ** 2).sum(axis=2)
        return np.eye(10, dtype="float32")[y[d.argmin(axis=1)]]
    ''')


def Cheat(code, **kwargs):  # noqa: N802
    kwargs.setdefault("assignment", A)
    kwargs.setdefault("base", WRONG)
    return _Cheat(dedent(code), **kwargs)


CHEATS = {
    # The accuracy test once trained and predicted inside the learner's process, on the public course split:
    # a model whose fit does nothing and whose predict looks every image up.
    "k14_digits_cnn_predict_looks_up_public_labels": Cheat(LOOKUP + dedent('''
        class _Answers(keras.Model):
            def fit(self, *args, **kwargs):
                return keras.callbacks.History()

            def predict(self, x, *args, **kwargs):
                return _digits_answers(x)

        def digits_cnn():
            inputs = keras.Input((8, 8, 1))
            x = keras.layers.Conv2D(2, 3)(inputs)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.MaxPooling2D(2)(x)
            x = keras.layers.Dropout(0.1)(keras.layers.Flatten()(x))
            return _Answers(inputs, keras.layers.Dense(11, activation="softmax")(x))
        ''')),

    # The lookup inside the forward pass, through a registered custom layer: valid probabilities (the I/O test
    # is honest about that: 1 point), every layer family present, no learning at all.
    "k14_digits_cnn_custom_layer_looks_up_answers": Cheat(LOOKUP + dedent('''
        import tensorflow as tf

        @keras.saving.register_keras_serializable(package="answers")
        class Answers(keras.layers.Layer):
            def call(self, images):
                return tf.numpy_function(_digits_answers, [images], tf.float32)

            def compute_output_shape(self, input_shape):
                return (input_shape[0], 10)

        def digits_cnn():
            inputs = keras.Input((8, 8, 1))
            x = keras.layers.Conv2D(2, 3, padding="same")(inputs)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.MaxPooling2D(2)(x)
            x = keras.layers.Dropout(0.1)(keras.layers.Flatten()(x))
            noise = keras.layers.Dense(10, kernel_initializer="zeros")(x)
            answers = keras.layers.Rescaling(30.0)(Answers()(inputs))
            return keras.Model(inputs, keras.layers.Activation("softmax")(keras.layers.Add()([noise, answers])))
        '''), earned=1.0),

    # Only Keras's own layers, so the configuration rebuilds anywhere: a frozen template matcher whose initial
    # weights are the test images of the course split (300 of them, as plain integers, to keep the configuration small) and
    # whose trainable head learns how the grader numbers the classes.
    "k14_digits_cnn_answers_stored_as_initial_weights": Cheat('''
        def digits_cnn():
            from sklearn.datasets import load_digits
            from sklearn.model_selection import train_test_split
            X, y = load_digits(return_X_y=True)
            _, test = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
            test = test[:300]                        # keeps the configuration under 100 kB
            inputs = keras.Input((8, 8, 1))
            branch = keras.layers.Conv2D(1, 3, padding="same")(inputs)
            branch = keras.layers.BatchNormalization()(branch)
            branch = keras.layers.MaxPooling2D(2)(branch)
            branch = keras.layers.Flatten()(keras.layers.Dropout(0.1)(branch))
            flat = keras.layers.Flatten()(inputs)
            scores = keras.layers.Dense(len(test), use_bias=False, trainable=False,
                                        kernel_initializer=keras.initializers.Constant(X[test].T.astype(int).tolist()))(flat)
            votes = keras.layers.Softmax()(keras.layers.Rescaling(0.5)(scores))
            labels = keras.layers.Dense(10, use_bias=False, trainable=False,
                                        kernel_initializer=keras.initializers.Constant(np.eye(10)[y[test]].astype(int).tolist()))(votes)
            head = keras.layers.Dense(10)(keras.layers.Concatenate()([labels, branch]))
            return keras.Model(inputs, keras.layers.Activation("softmax")(head))
        ''', earned=1.0),

    # The reference History was once trained in the learner's process: patch fit so that every model "trains" to
    # the same made-up numbers, the learner's and the reference alike, and move no weight.
    "k14_compile_and_fit_patched_fit_agrees_with_its_reference": Cheat('''
        def _made_up_fit(self, x=None, y=None, epochs=1, **kwargs):
            history = keras.callbacks.History()
            history.history = {"loss": [1.0 / (e + 1) for e in range(epochs)],
                               "accuracy": [0.5 + 0.1 * e for e in range(epochs)]}
            self.history = history
            return history

        keras.Model.fit = _made_up_fit

        def compile_and_fit(model, x, y, epochs):
            model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                          metrics=["accuracy"])
            return model.fit(x, y, epochs=epochs)
        '''),

    # Outputs shaped (1, N) in training mode and (N, 1) at inference: np.allclose(train, eval) in the trusted
    # process would build an N x N array. The layers are named as the graders expect.
    "k14_sequential_mlp_outputs_shaped_to_broadcast": Cheat('''
        import tensorflow as tf

        class Dense(keras.layers.Dense):
            def call(self, inputs, training=None):
                n = 40_000
                return tf.fill((1, n) if training else (n, 1), 0.5)

        def sequential_mlp(input_dim, hidden, num_classes, dropout):
            layers = [keras.Input((input_dim,))]
            for h in hidden:
                layers += [keras.layers.Dense(h, activation="relu"), keras.layers.Dropout(dropout)]
            layers.append(Dense(num_classes, activation="softmax"))
            return keras.Sequential(layers)
        '''),
}
