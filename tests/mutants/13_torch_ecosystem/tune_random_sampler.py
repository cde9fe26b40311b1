"""tune seeds a RandomSampler instead of the TPESampler the exercise asks for: reproducible, but another search.

breaks: tune
"""
import optuna


def tune(objective, n_trials, seed):
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(objective, n_trials=n_trials)
    return study.best_params
