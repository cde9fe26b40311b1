"""tune seeds the sampler with a fixed number instead of the seed argument.

breaks: tune
"""
import optuna


def tune(objective, n_trials, seed):
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=42))
    study.optimize(objective, n_trials=n_trials)
    return study.best_params
