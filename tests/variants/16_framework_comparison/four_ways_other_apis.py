"""Another correct 16: same_model_four_ways with Keras's functional API and LBFGS in
torch, tf_core with a Python loop of plain gradient descent (no tf.function), and
count_parameters by summing Keras weights' sizes.

covers: same_model_four_ways, count_parameters, choose_framework
"""
import keras
import numpy as np
import tensorflow as tf
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn


def same_model_four_ways(X_train, y_train, X_test, y_test):
    Xtr, Xte = np.asarray(X_train, np.float32), np.asarray(X_test, np.float32)
    ytr, yte = np.asarray(y_train).astype(np.int64), np.asarray(y_test).astype(np.int64)
    d, k = Xtr.shape[1], int(max(ytr.max(), yte.max())) + 1
    res = {"sklearn": float(LogisticRegression(max_iter=1000).fit(Xtr, ytr).score(Xte, yte))}

    keras.utils.set_random_seed(1)
    inp = keras.Input((d,))
    model = keras.Model(inp, keras.layers.Dense(k, activation="softmax")(inp))
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
    model.fit(Xtr, ytr, epochs=40, batch_size=32, verbose=0)
    res["keras"] = float(np.mean(model.predict(Xte, verbose=0).argmax(1) == yte))

    torch.manual_seed(1)
    lin = nn.Linear(d, k)
    opt = torch.optim.LBFGS(lin.parameters(), lr=0.5, max_iter=200)
    xt, yt = torch.from_numpy(Xtr), torch.from_numpy(ytr)

    def closure():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(lin(xt), yt) + 1e-3 * lin.weight.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        res["torch"] = float((lin(torch.from_numpy(Xte)).argmax(1) == torch.from_numpy(yte)).double().mean())

    W = tf.Variable(tf.zeros([d, k]))
    b = tf.Variable(tf.zeros([k]))
    xtf, ytf = tf.constant(Xtr), tf.constant(ytr)
    for _ in range(300):
        with tf.GradientTape() as tape:
            logits = tf.matmul(xtf, W) + b
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ytf, logits=logits))
        gW, gb = tape.gradient(loss, [W, b])
        W.assign_sub(0.5 * gW)
        b.assign_sub(0.5 * gb)
    res["tf_core"] = float(np.mean(np.argmax(Xte @ W.numpy() + b.numpy(), axis=1) == yte))
    return res


def count_parameters(model):
    if isinstance(model, nn.Module):
        return sum(p.numel() for p in model.parameters())
    return int(sum(int(np.prod(v.shape)) for v in model.weights))


def choose_framework(needs):
    rules = [(not needs.get("deep_learning", False), "scikit-learn"),
             (needs.get("deployment", False), "tensorflow"),
             (needs.get("research", False), "pytorch")]
    return next((answer for cond, answer in rules if cond), "keras")
