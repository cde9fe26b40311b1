# An instructor's server (JUPYTER_CONFIG_PATH points here). Its home is the nbgrader course root,
# whose nbgrader_config.py (written by hub.py) loads the course's configuration.
c = get_config()  # noqa: F821
# The formgrader opens in an iframe inside Lab; JupyterHub's default CSP forbids any framing.
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
# The formgrader's first autograde finds the graders and a sandbox warm (dlcourse/server_warm.py).
c.ServerApp.jpserver_extensions = {"dlcourse.server_warm": True}
