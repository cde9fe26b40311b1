"""Hidden tests of predict_url: the REST URL of TF Serving's predict API,
http://<host>:<port>/v1/models/<name>[/versions/<version>]:predict."""
from dlcourse.grading import expect, graded, probe


@probe
def probe_url(mod, calls):
    out = []
    for args, kwargs in calls:
        url = mod.predict_url(*args, **kwargs)
        out.append(url if isinstance(url, str) else f"<{type(url).__name__}>")
    return out


def _name(rng):
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), int(rng.integers(4, 9))))


@graded("predict_url", points=1)
def test_predict_url_defaults_to_the_rest_port_on_localhost(sub, rng):
    name = _name(rng)
    got = sub.run(probe_url, [[[name], {}]])[0]
    expect(got == f"http://localhost:8501/v1/models/{name}:predict",
           "predict_url(name) should be the REST predict URL of the model on localhost, TF Serving's "
           f"REST port 8501, for the model's latest version; got {got!r}")


@graded("predict_url", points=1)
def test_predict_url_with_host_port_and_version(sub, rng):
    name, host = _name(rng), f"{_name(rng)}.example.org"
    port, version = int(rng.integers(9000, 9999)), int(rng.integers(2, 50))
    got = sub.run(probe_url, [[[name], {"host": host, "port": port, "version": version}],
                              [[name, host, port], {}]])
    expect(got[0] == f"http://{host}:{port}/v1/models/{name}/versions/{version}:predict",
           "with a version, predict_url should address that version: "
           "http://<host>:<port>/v1/models/<name>/versions/<version>:predict")
    expect(got[1] == f"http://{host}:{port}/v1/models/{name}:predict",
           "predict_url(name, host, port) should use the given host and port")
