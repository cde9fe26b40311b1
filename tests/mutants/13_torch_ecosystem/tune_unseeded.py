"""tune creates the study without seeding its sampler: the search differs run to run.

breaks: tune
"""
import optuna


def tune(objective, n_trials, seed):
    study = optuna.create_study(direction="minimize")
    study.optimize(objective, n_trials=n_trials)
    return study.best_params
