# nbgrader in a learner's server (JUPYTER_CONFIG_PATH points here; the hub sets the variables).
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = os.environ["DLCOURSE_COURSE_ID"]
# The hub user, not the OS user (every local server runs as the hub's OS user).
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
c.Exchange.root = os.environ["DLCOURSE_EXCHANGE"]
