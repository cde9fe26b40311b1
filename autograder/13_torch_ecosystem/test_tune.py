"""Hidden graders of tune: exactly n_trials calls, the best (lowest) trial's params, seeded and reproducible.

Reproducible means more than "the same twice": with a given seed the trials must be the ones optuna's
TPESampler proposes for that seed, as a clean worker that never loaded learner code finds them.
"""
from dlcourse.grading import close, expect, graded, probe


@probe
def probe_tune(mod, n_trials, seeds, centre, costs):
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.getLogger("optuna").setLevel(logging.WARNING)
    runs = []
    for seed in seeds:
        trials = []

        def objective(trial):
            x = trial.suggest_float("x", -5.0, 5.0)
            width = trial.suggest_int("width", 1, 8)
            act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
            value = (x - centre) ** 2 + 0.1 * (width - 3) ** 2 + costs[act]
            trials.append({"x": float(x), "width": int(width), "act": str(act), "value": float(value)})
            return value

        best = mod.tune(objective, n_trials, seed)
        if isinstance(best, dict) and all(isinstance(v, (int, float, str)) for v in best.values()):
            best = {str(k): (v if isinstance(v, str) else float(v)) for k, v in best.items()}
            kind = "dict"
        else:
            kind, best = type(best).__name__, None
        runs.append({"trials": trials, "best": best, "kind": kind})
    return runs


@probe
def probe_tpe(mod, n_trials, seed, centre, costs):
    # In a clean worker: the search the Precisions ask for, run with optuna itself on the same objective.
    import logging

    import optuna

    logging.getLogger("optuna").setLevel(logging.WARNING)
    trials = []

    def objective(trial):
        x = trial.suggest_float("x", -5.0, 5.0)
        width = trial.suggest_int("width", 1, 8)
        act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
        trials.append({"x": float(x), "width": int(width), "act": str(act)})
        return (x - centre) ** 2 + 0.1 * (width - 3) ** 2 + costs[act]

    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=n_trials)
    return trials


def draw(rng):
    n = int(rng.integers(6, 13))
    centre = float(rng.uniform(-3, 3))
    costs = dict(zip(["relu", "tanh", "gelu"], (float(c) for c in rng.permutation([0.0, 0.7, 1.4]))))
    return n, centre, costs


def params_of(trial):
    return {k: trial[k] for k in ("x", "width", "act")}


@graded("tune", points=1)
def test_tune_calls_objective_exactly_n_trials_times(sub, rng):
    n, centre, costs = draw(rng)
    for run in sub.run(probe_tune, n, [int(rng.integers(1 << 30))], centre, costs):
        expect(len(run["trials"]) == n, f"tune(objective, n_trials={n}, seed) called the objective "
                                        f"{len(run['trials'])} times; expected exactly {n}")


@graded("tune", points=1)
def test_tune_returns_params_of_the_lowest_trial(sub, rng):
    n, centre, costs = draw(rng)
    run = sub.run(probe_tune, n, [int(rng.integers(1 << 30))], centre, costs)[0]
    expect(run["kind"] == "dict", f"tune should return the best parameters as a dict, got a {run['kind']}")
    expect(len(run["trials"]) > 0, "tune never called the objective")
    best = min(run["trials"], key=lambda t: t["value"])
    want = params_of(best)
    expect(sorted(run["best"]) == sorted(want), f"tune returned keys {sorted(run['best'])}; expected the "
                                                f"suggested parameter names {sorted(want)} (study.best_params)")
    expect(run["best"]["act"] == want["act"] and run["best"]["width"] == want["width"],
           "tune's result is not the parameters of the trial with the LOWEST objective value (the objective is minimised)")
    close(run["best"]["x"], want["x"], "tune's result is not the parameters of the trial with the LOWEST objective "
                                       "value (the objective is minimised)", rtol=1e-9, atol=0)


@graded("tune", points=1)
def test_tune_same_seed_same_search(sub, rng):
    n, centre, costs = draw(rng)
    n += 6   # past TPE's 10 random start-up trials (which any sampler seeded alike would repeat)
    seed = int(rng.integers(1 << 30))
    first, second = sub.run(probe_tune, n, [seed, seed], centre, costs)
    expect(len(first["trials"]) == n and len(second["trials"]) == n,
           f"tune(objective, n_trials={n}, seed) should call the objective exactly {n} times")
    expect([params_of(t) for t in first["trials"]] == [params_of(t) for t in second["trials"]],
           "two calls of tune with the same seed tried different parameters: seed the sampler "
           "(optuna.samplers.TPESampler(seed=seed))")
    expect(first["best"] == second["best"], "two calls of tune with the same seed returned different results")
    want = sub.clean(probe_tpe, n, seed, centre, costs)   # the same seed must mean TPE's own search for it
    expect(len(want) == n and all(params_of(a)["act"] == b["act"] and params_of(a)["width"] == b["width"]
                                  and abs(params_of(a)["x"] - b["x"]) <= 1e-9 for a, b in zip(first["trials"], want)),
           "the parameters tried are not those of optuna's TPESampler seeded with the seed argument "
           "(optuna.create_study(direction=\"minimize\", sampler=optuna.samplers.TPESampler(seed=seed)))")


@graded("tune", points=1)
def test_tune_seed_changes_search(sub, rng):
    n, centre, costs = draw(rng)
    a, b = (int(s) for s in rng.choice(1 << 30, size=2, replace=False))
    first, second = sub.run(probe_tune, n, [a, b], centre, costs)
    expect(len(first["trials"]) == n and len(second["trials"]) == n,
           f"tune(objective, n_trials={n}, seed) should call the objective exactly {n} times")
    expect([params_of(t) for t in first["trials"]] != [params_of(t) for t in second["trials"]],
           "tune with two different seeds tried exactly the same parameters: the sampler should be seeded "
           "with the seed argument, not a fixed number")
