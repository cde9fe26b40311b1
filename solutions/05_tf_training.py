"""Reference solution of 05_tf_training.

Generated from source/05_tf_training/05_tf_training.ipynb by `dlcourse build`; do not edit.
"""


import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")   # hide TensorFlow's C++ start-up chatter

import numpy as np
import tensorflow as tf
import keras

print("TensorFlow", tf.__version__, "| Keras", keras.__version__, "| backend:", keras.backend.backend())


x_demo = tf.constant([[1.0, 2.0], [-1.0, 0.5]])     # two examples, two features
y_demo = tf.constant([[1.0], [0.0]])
w_demo = tf.Variable([[0.1], [-0.2]])
b_demo = tf.Variable([0.0])

with tf.GradientTape() as tape:
    logits_demo = x_demo @ w_demo + b_demo            # forward pass
    p_demo = tf.sigmoid(logits_demo)
    loss_demo = -tf.reduce_mean(y_demo * tf.math.log(p_demo) + (1 - y_demo) * tf.math.log(1 - p_demo))
grad_w, grad_b = tape.gradient(loss_demo, [w_demo, b_demo])   # backward pass

# Chain rule by hand: d loss / d logit = (p - y) / N, then d logit / d w = x
by_hand = tf.transpose(x_demo) @ ((p_demo - y_demo) / 2)
print("loss:", float(loss_demo))
print("tape    dJ/dw:", grad_w.numpy().ravel(), " dJ/db:", grad_b.numpy())
print("by hand dJ/dw:", by_hand.numpy().ravel(), " dJ/db:", tf.reduce_mean(p_demo - y_demo).numpy())


def gradient_descent_1d(a, lr, w0=1.0, steps=12):
    # gradient descent on J(w) = a/2 * w**2; returns w after each step (w0 first)
    ws = [w0]
    for _ in range(steps):
        ws.append(ws[-1] - lr * a * ws[-1])
    return np.array(ws)


for lr in (0.1, 0.5, 1.0, 1.6, 2.2):
    print(f"lr = {lr:3.1f}: w after 12 steps = {gradient_descent_1d(1.0, lr)[-1]: .4g}")

if __name__ == "__main__":
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    for lr in (0.1, 0.5, 1.0, 1.6, 2.2):
        ax.plot(gradient_descent_1d(1.0, lr), marker="o", ms=3, label=f"lr = {lr}")
    ax.set_ylim(-3, 3)
    ax.set_xlabel("step")
    ax.set_ylabel("w")
    ax.set_title("Gradient descent on J(w) = w²/2: the learning rate decides")
    ax.legend()
    plt.show()


rng_demo = np.random.default_rng(0)
x_line = rng_demo.uniform(-1, 1, (64, 1)).astype("float32")
y_line = 3 * x_line - 1 + 0.05 * rng_demo.standard_normal((64, 1)).astype("float32")

w_line, b_line = tf.Variable([[0.0]]), tf.Variable([0.0])          # 1. initialise
optimizer_line = keras.optimizers.SGD(learning_rate=0.5)
for step in range(40):
    with tf.GradientTape() as tape:
        loss_line = tf.reduce_mean((x_line @ w_line + b_line - y_line) ** 2)   # 2. forward
    grads_line = tape.gradient(loss_line, [w_line, b_line])                  # 3. backward
    optimizer_line.apply_gradients(zip(grads_line, [w_line, b_line]))        # 4. update
    if step % 10 == 0:                                                       # 5. repeat
        print(f"step {step:2d}: loss {float(loss_line):.4f}")
print("w =", float(w_line[0, 0]), " b =", float(b_line[0]))


def keras_trajectory(optimizer, w0, grads):
    """The weights after each step of a Keras optimizer fed the gradients in turn (float32)."""
    var = keras.Variable(np.asarray(w0, dtype="float32"))
    out = []
    for g in grads:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(np.asarray(g, dtype="float32")), var)])
        out.append(np.array(var.numpy()))
    return np.stack(out)


def adagrad_step(w, g, accumulator, lr, epsilon=1e-7):
    """One step of Adagrad, Keras 3's form. Returns (w, accumulator)."""
    accumulator = np.asarray(accumulator) + np.asarray(g) ** 2
    return (np.asarray(w) - lr * np.asarray(g) / np.sqrt(accumulator + epsilon), accumulator)


rng_steps = np.random.default_rng(1)
grads_demo = rng_steps.standard_normal((20, 3)).astype("float32")
w, accumulator, ours = np.zeros(3, "float32"), np.full(3, 0.1, "float32"), []
for g in grads_demo:
    w, accumulator = adagrad_step(w, g, accumulator, lr=0.1)
    ours.append(w)
theirs = keras_trajectory(keras.optimizers.Adagrad(learning_rate=0.1), np.zeros(3), grads_demo)
print("largest difference over 20 steps:", float(np.max(np.abs(np.stack(ours) - theirs))))


def sgd_step(w, g, lr):
    """One step of plain gradient descent. Returns the new state as a tuple: (w,)."""
    w = np.asarray(w)
    return (w - lr * np.asarray(g),)


def momentum_step(w, g, velocity, lr, momentum):
    """One step of SGD with momentum, Keras's form. Returns (w, velocity)."""
    velocity = momentum * np.asarray(velocity) - lr * np.asarray(g)
    return (np.asarray(w) + velocity, velocity)


def rmsprop_step(w, g, avg_sq, lr, rho, epsilon):
    """One step of RMSprop, Keras 3's form (epsilon inside the square root). Returns (w, avg_sq)."""
    g = np.asarray(g)
    avg_sq = rho * np.asarray(avg_sq) + (1.0 - rho) * g * g
    return (np.asarray(w) - lr * g / np.sqrt(avg_sq + epsilon), avg_sq)


def adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon):
    """One step of Adam, Keras 3's form; t is the 1-based number of this step. Returns (w, m, v)."""
    g = np.asarray(g)
    m = beta_1 * np.asarray(m) + (1.0 - beta_1) * g
    v = beta_2 * np.asarray(v) + (1.0 - beta_2) * g * g
    alpha = lr * np.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)   # bias correction, folded in
    return (np.asarray(w) - alpha * m / (np.sqrt(v) + epsilon), m, v)


def valley(w):
    # J(w) = (w1**2 + 25 * w2**2) / 2 and its gradient
    return 0.5 * (w[0] ** 2 + 25 * w[1] ** 2), np.array([w[0], 25 * w[1]])


def optimizer_paths(start=(-4.0, 1.0), steps=40):
    # the path of each optimizer (your step functions) on the valley, with hand-picked rates
    paths = {}
    w = np.array(start)
    path = [w]
    for _ in range(steps):
        (w,) = sgd_step(w, valley(w)[1], 0.035)
        path.append(w)
    paths["SGD (lr 0.035)"] = np.array(path)
    w, velocity = np.array(start), np.zeros(2)
    path = [w]
    for _ in range(steps):
        w, velocity = momentum_step(w, valley(w)[1], velocity, 0.035, 0.8)
        path.append(w)
    paths["Momentum (lr 0.035, 0.8)"] = np.array(path)
    w, avg_sq = np.array(start), np.zeros(2)
    path = [w]
    for _ in range(steps):
        w, avg_sq = rmsprop_step(w, valley(w)[1], avg_sq, 0.1, 0.9, 1e-7)
        path.append(w)
    paths["RMSProp (lr 0.1)"] = np.array(path)
    w, m, v = np.array(start), np.zeros(2), np.zeros(2)
    path = [w]
    for t in range(1, steps + 1):
        w, m, v = adam_step(w, valley(w)[1], m, v, t, 0.3, 0.9, 0.999, 1e-7)
        path.append(w)
    paths["Adam (lr 0.3)"] = np.array(path)
    return paths


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    with needs("sgd_step", "momentum_step", "rmsprop_step", "adam_step"):
        paths = optimizer_paths()
        g1, g2 = np.meshgrid(np.linspace(-4.5, 1.5, 200), np.linspace(-1.5, 1.5, 200))
        fig, ax = plt.subplots(figsize=(9, 4.5))
        ax.contour(g1, g2, 0.5 * (g1 ** 2 + 25 * g2 ** 2), levels=np.geomspace(0.05, 60, 12), colors="#bbb")
        for name, path in paths.items():
            ax.plot(path[:, 0], path[:, 1], marker=".", ms=4, lw=1.2, label=f"{name}: J = {valley(path[-1])[0]:.2g}")
        ax.plot(0, 0, "k*", ms=12)
        ax.set_xlabel("w1 (flat direction)")
        ax.set_ylabel("w2 (steep direction)")
        ax.set_title("40 steps on a narrow valley, from (-4, 1)")
        ax.legend(fontsize=8, loc="lower right")
        plt.show()


def breast_cancer_split(seed=0):
    # standardised features, train/test split, float32
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = load_breast_cancer(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, stratify=y, random_state=seed)
    scaler = StandardScaler().fit(x_tr)          # fitted on the training part only
    return (scaler.transform(x_tr).astype("float32"), y_tr.astype("float32"),
            scaler.transform(x_te).astype("float32"), y_te.astype("float32"))


def loss_curves(epochs=30):
    x_tr, y_tr, x_te, y_te = breast_cancer_split()
    optimizers = {"SGD": lambda: keras.optimizers.SGD(0.05),
                  "Momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9),
                  "RMSProp": lambda: keras.optimizers.RMSprop(0.001),
                  "Adam": lambda: keras.optimizers.Adam(0.001)}
    curves = {}
    for name, make in optimizers.items():
        keras.utils.set_random_seed(0)           # same initial weights for every optimizer
        model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=make(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
        history = model.fit(x_tr, y_tr, validation_data=(x_te, y_te), epochs=epochs, batch_size=32, verbose=0)
        curves[name] = history.history
    return curves


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    curves = loss_curves()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    for name, history in curves.items():
        axes[0].plot(history["loss"], label=name)
        axes[1].plot(history["val_loss"], label=name)
    for ax, title in zip(axes, ("training loss", "validation loss")):
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_yscale("log")
    axes[0].set_ylabel("binary cross-entropy")
    axes[0].legend()
    plt.show()
    for name, history in curves.items():
        print(f"{name:9s} final training loss {history['loss'][-1]:.4f}, validation loss {history['val_loss'][-1]:.4f}")


z_big = np.array([1000.0, -1000.0, 3.0])
y_big = np.array([0.0, 1.0, 1.0])
with np.errstate(all="ignore"):                     # the naive way warns (and is wrong)
    p_naive = 1 / (1 + np.exp(-z_big))
    naive = -y_big * np.log(p_naive) - (1 - y_big) * np.log(1 - p_naive)
stable = np.maximum(z_big, 0) - z_big * y_big + np.log1p(np.exp(-np.abs(z_big)))
print("naive  per example:", naive)
print("stable per example:", stable)
print("Keras  (mean)     :", float(keras.losses.BinaryCrossentropy(from_logits=True)(y_big, z_big)),
      "=", stable.mean())


def mse(y_true, y_pred):
    """Mean squared error over the whole batch (a float)."""
    diff = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.mean(diff ** 2))


def binary_crossentropy_from_logits(y_true, logits):
    """Mean binary cross-entropy of labels in {0, 1} and logits, stable for any logit size."""
    y = np.asarray(y_true, dtype=np.float64)
    x = np.asarray(logits, dtype=np.float64)
    # -y*log(sigmoid(x)) - (1-y)*log(1-sigmoid(x)) = max(x, 0) - x*y + log(1 + exp(-|x|))
    per_example = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    return float(np.mean(per_example))


def sparse_categorical_crossentropy_from_logits(y_true, logits):
    """Mean cross-entropy of integer labels (N,) and logits (N, C), stable for any logit size."""
    z = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(y_true).astype(np.int64).reshape(-1)
    z = z - z.max(axis=-1, keepdims=True)            # the log-sum-exp trick: the largest is 0
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return float(-np.mean(log_probs[np.arange(len(labels)), labels]))


def huber(y_true, y_pred, delta=1.0):
    """Mean Huber loss: quadratic for errors up to delta, linear beyond."""
    err = np.abs(np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64))
    per_element = np.where(err <= delta, 0.5 * err ** 2, delta * (err - 0.5 * delta))
    return float(np.mean(per_element))


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    with needs("huber"):
        e = np.linspace(-3, 3, 301)
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(e, e ** 2, label="squared error")
        ax.plot(e, np.abs(e), label="absolute error")
        for d in (0.5, 1.0, 2.0):
            ax.plot(e, [huber(np.zeros(1), np.array([v]), d) for v in e], ls="--", label=f"Huber, delta = {d}")
        ax.set_ylim(0, 5)
        ax.set_xlabel("error  y_pred - y_true")
        ax.set_title("Regression losses of one error")
        ax.legend()
        plt.show()


from sklearn import metrics as skm

y_true_demo = np.array([1, 0, 1, 1, 0, 0, 1, 0])
y_pred_demo = np.array([1, 0, 0, 1, 1, 0, 1, 0])
tp = int(np.sum((y_true_demo == 1) & (y_pred_demo == 1)))
fp = int(np.sum((y_true_demo == 0) & (y_pred_demo == 1)))
fn = int(np.sum((y_true_demo == 1) & (y_pred_demo == 0)))
print(f"TP = {tp}, FP = {fp}, FN = {fn}; confusion matrix [[TN, FP], [FN, TP]]:",
      skm.confusion_matrix(y_true_demo, y_pred_demo).tolist())
print("precision by hand", tp / (tp + fp), "| scikit-learn", skm.precision_score(y_true_demo, y_pred_demo))
print("nothing predicted positive: precision", skm.precision_score(y_true_demo, np.zeros(8, int), zero_division=0))

y_reg, p_reg = np.array([3.0, -0.5, 2.0, 7.0]), np.array([2.5, 0.0, 2.0, 8.0])
print("MAE", skm.mean_absolute_error(y_reg, p_reg), "| R² of the mean as prediction",
      skm.r2_score(y_reg, np.full(4, y_reg.mean())), "| R² of its negation", round(skm.r2_score(y_reg, -y_reg), 3))


def classification_report(y_true, y_pred):
    """Accuracy, precision, recall and F1 of binary labels; 0 where a ratio is undefined."""
    # TODO 1: flatten both arrays and turn them into booleans.
    # TODO 2: count the true positives, false positives and false negatives.
    # TODO 3: the four ratios as floats, with 0 wherever a denominator is 0.
    y_true = np.asarray(y_true).astype(bool).ravel()
    y_pred = np.asarray(y_pred).astype(bool).ravel()
    tp = int(np.sum(y_true & y_pred))
    fp = int(np.sum(~y_true & y_pred))
    fn = int(np.sum(y_true & ~y_pred))

    def ratio(a, b):
        return a / b if b > 0 else 0.0

    return {"accuracy": float(np.mean(y_true == y_pred)),
            "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, tp + fn),
            "f1": ratio(2 * tp, 2 * tp + fp + fn)}


def regression_report(y_true, y_pred):
    """Mean absolute error, root mean squared error and the coefficient of determination R²."""
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    err = y_pred - y_true
    ss_res = np.sum(err ** 2)
    ss_tot = np.sum((y_true - y_true.mean()) ** 2)
    return {"mae": float(np.mean(np.abs(err))),
            "rmse": float(np.sqrt(np.mean(err ** 2))),
            "r2": float(1.0 - ss_res / ss_tot)}


batches_demo = [(np.array([1, 1, 0, 0]), np.array([0.9, 0.8, 0.7, 0.2])),   # 2 TP, 1 FP: precision 2/3
                (np.array([0, 0]), np.array([0.6, 0.1]))]                     # 0 TP, 1 FP: precision 0
precision_demo = keras.metrics.Precision()
for y_t, y_p in batches_demo:
    precision_demo.update_state(y_t, y_p)
print("accumulated precision:", float(precision_demo.result()), "= 2 TP / 4 predicted positives")
print("mean of batch precisions:", (2 / 3 + 0) / 2, "(wrong)")
precision_demo.reset_state()
print("after reset_state():", float(precision_demo.result()))


class BinaryF1(keras.metrics.Metric):
    """F1 score of everything seen since the last reset; a prediction is positive when y_pred > 0.5."""

    def __init__(self, name="binary_f1", threshold=0.5, **kwargs):
        # TODO 1: call super().__init__(name=name, **kwargs), then keep the threshold.
        # TODO 2: three scalar state variables (self.add_variable), the counts of TP, FP and FN.
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.tp = self.add_variable(shape=(), initializer="zeros", name="true_positives")
        self.fp = self.add_variable(shape=(), initializer="zeros", name="false_positives")
        self.fn = self.add_variable(shape=(), initializer="zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        # TODO 3: flatten both inputs; turn y_pred into 0/1 with the strict threshold (TensorFlow ops only).
        # TODO 4: add this batch's TP, FP and FN to the counts (assign_add).
        y_true = tf.cast(tf.reshape(y_true, [-1]) > 0.5, self.dtype)
        y_pred = tf.cast(tf.reshape(y_pred, [-1]) > self.threshold, self.dtype)
        weight = tf.ones_like(y_true) if sample_weight is None else tf.cast(tf.reshape(sample_weight, [-1]), self.dtype)
        self.tp.assign_add(tf.reduce_sum(weight * y_true * y_pred))
        self.fp.assign_add(tf.reduce_sum(weight * (1.0 - y_true) * y_pred))
        self.fn.assign_add(tf.reduce_sum(weight * y_true * (1.0 - y_pred)))

    def result(self):
        # TODO 5: F1 from the counts, 0 when its denominator is 0.
        return tf.math.divide_no_nan(2.0 * self.tp, 2.0 * self.tp + self.fp + self.fn)

    def reset_state(self):
        # TODO 6: every count back to 0.
        for variable in (self.tp, self.fp, self.fn):
            variable.assign(0.0)


def sequential_classifier():
    return keras.Sequential([keras.Input((30,), name="features"),
                             keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dropout(0.2),
                             keras.layers.Dense(1, name="logit")], name="sequential_classifier")


def functional_regressor(n_features):
    inputs = keras.Input((n_features,), name="features")
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    wide = keras.layers.Dense(8)(inputs)                       # a linear shortcut: not a plain stack
    merged = keras.layers.Concatenate()([hidden, wide])
    outputs = keras.layers.Dense(1, name="target")(merged)
    return keras.Model(inputs, outputs, name="functional_regressor")


if __name__ == "__main__":
    with needs("BinaryF1", "classification_report"):
        f1_metrics = [BinaryF1(), keras.metrics.Precision(), keras.metrics.Recall()]
        x_tr, y_tr, x_te, y_te = breast_cancer_split()
        keras.utils.set_random_seed(0)
        clf = sequential_classifier()
        clf.compile(optimizer=keras.optimizers.Adam(1e-3),
                    loss=keras.losses.BinaryCrossentropy(from_logits=True),
                    metrics=[keras.metrics.BinaryAccuracy(threshold=0.0), keras.metrics.AUC(from_logits=True)])
        clf.fit(x_tr, y_tr, epochs=20, batch_size=32, verbose=0)
        # BinaryF1 expects probabilities: wrap the logits model with a sigmoid for evaluation
        prob_model = keras.Sequential([clf, keras.layers.Activation("sigmoid")])
        prob_model.compile(loss="binary_crossentropy", metrics=f1_metrics)
        print("Sequential classifier, test set:", prob_model.evaluate(x_te, y_te, batch_size=32, verbose=0, return_dict=True))
        pred = (np.asarray(clf.predict(x_te, verbose=0))[:, 0] > 0).astype(int)
        print("classification_report:", classification_report(y_te.astype(int), pred))
        clf.summary()


if __name__ == "__main__":
    with needs("regression_report"):
        from sklearn.datasets import load_diabetes
        from sklearn.linear_model import LinearRegression
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler

        xd, yd = load_diabetes(return_X_y=True)
        xd_tr, xd_te, yd_tr, yd_te = train_test_split(xd, yd, test_size=0.25, random_state=0)
        # a baseline first: the target is noisy, and a linear regression explains only part of it
        baseline = LinearRegression().fit(xd_tr, yd_tr).predict(xd_te)
        print("Linear regression, test set:   ", {k: round(v, 3) for k, v in regression_report(yd_te, baseline).items()})
        sx = StandardScaler().fit(xd_tr)
        y_mean, y_std = yd_tr.mean(), yd_tr.std()                  # train on a standardised target
        keras.utils.set_random_seed(0)
        reg = functional_regressor(xd.shape[1])
        reg.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.Huber(delta=1.0),
                    metrics=[keras.metrics.MeanAbsoluteError(), keras.metrics.RootMeanSquaredError(),
                             keras.metrics.R2Score()])
        history = reg.fit(sx.transform(xd_tr).astype("float32"), ((yd_tr - y_mean) / y_std).astype("float32")[:, None],
                          epochs=30, batch_size=32, verbose=0)
        pred = np.asarray(reg.predict(sx.transform(xd_te).astype("float32"), verbose=0))[:, 0] * y_std + y_mean
        print("Functional regressor, test set:", {k: round(v, 3) for k, v in regression_report(yd_te, pred).items()})

        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(history.history["loss"], label="training Huber loss")
        ax.set_xlabel("epoch")
        ax.legend()
        plt.show()
        try:                                  # keras.utils.plot_model needs pydot and Graphviz's dot
            from IPython.display import display
            display(keras.utils.plot_model(reg, "functional_regressor.png", show_shapes=True, dpi=60))
        except Exception as exc:
            print("plot_model unavailable here:", type(exc).__name__)
            reg.summary()
