"""same_model_four_ways's "keras" model is never trained with Keras: its weights are copied from the fitted
scikit-learn model (so its accuracy is scikit-learn's, not the result of compiling and fitting in Keras).

breaks: same_model_four_ways
"""
import keras
import numpy as np
from sklearn.linear_model import LogisticRegression

_four_ways_reference = same_model_four_ways  # noqa: F821 (the reference, defined above this file)


def same_model_four_ways(X_train, y_train, X_test, y_test):
    out = _four_ways_reference(X_train, y_train, X_test, y_test)
    clf = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    k = int(max(np.max(y_train), np.max(y_test))) + 1
    model = keras.Sequential([keras.Input((np.shape(X_train)[1],)), keras.layers.Dense(k, activation="softmax")])
    model.layers[-1].set_weights([clf.coef_.T.astype("float32"), clf.intercept_.astype("float32")])
    pred = model.predict(np.asarray(X_test, np.float32), verbose=0).argmax(axis=1)
    out["keras"] = float(np.mean(pred == np.asarray(y_test)))
    return out
