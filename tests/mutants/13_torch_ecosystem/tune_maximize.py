"""tune maximises the objective (Optuna's direction is wrong).

breaks: tune
"""
import optuna


def tune(objective, n_trials, seed):
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=n_trials)
    return study.best_params
