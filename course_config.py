# The course's one configuration file: nbgrader's settings and the course tooling's.
# nbgrader:  nbgrader <command> --NbGrader.config_file_name=course_config ...
# dlcourse:  reads this file from the course root (the folder holding it).
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader or dlcourse loads this file)
here = os.path.dirname(os.path.abspath(__file__))

# --- nbgrader -------------------------------------------------------------------------
c.CourseDirectory.course_id = "dl-frameworks"
c.CourseDirectory.root = here
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
c.Exchange.root = os.path.join(here, "run", "exchange")
# A stub cell is a NotImplementedError; the learner replaces it.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# The release (generate_assignment, also the formgrader's and `dlcourse build`'s): nbgrader's steps,
# plus the course's (dlcourse/release_steps.py): drop the cells tagged instructor-only, and after
# ClearSolutions turn a module-level stub raise (a whole top-level def was the solution) into
# `def <grade_id>(*args, **kwargs): raise NotImplementedError()`, so Run All reaches the end.
# Both come before ComputeChecksums/SaveCells: checksums are those of the release as shipped.
c.GenerateAssignment.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "dlcourse.release_steps.RemoveInstructorOnly",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "dlcourse.release_steps.StubWholeDefinitions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Autograding: the hidden graders score each question in the sandbox, by function name,
# in place of nbgrader's Execute (which would run learners' code with our rights).
c.Autograde.autograde_preprocessors = [
    "dlcourse.nbgrader_grades.HiddenGraders",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "dlcourse.nbgrader_grades.FlagForReview",   # evidence of forging: needs manual grading
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Feedback (generate_feedback, also the formgrader's and `dlcourse serve`'s): nbgrader's page with a summary
# at its top (dlcourse/feedback.py): each question's points and the one-line message of each lost point,
# linked to its exercise. FeedbackSummary.show = "passed" shows only which tests did not pass.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "dlcourse.feedback.FeedbackSummary",
]
c.GenerateFeedback.exporter_class = "dlcourse.feedback.FeedbackExporter"
c.FeedbackSummary.show = "messages"
# A deleted test cell is put back (and graded by function name like every other).
c.OverwriteCells.add_missing_cells = True
# Per-question CSV: nbgrader export --exporter=dlcourse.export.QuestionCsvExport --to grades_by_question.csv

# --- the course tooling (dlcourse) -----------------------------------------------------
# Each assignment: frameworks the grading worker imports before the learner's code,
# and optional limits (test_timeout, total_timeout in seconds; memory_mb).
c.DLCourse.assignments = {
    "01_tf_tensors_graphs": {"preload": ["tensorflow"], "due": "2027-01-25 17:00:00 UTC"},
    "02_tf_function": {"preload": ["tensorflow"], "due": "2027-02-01 17:00:00 UTC"},
    "03_tf_custom_layers": {"preload": ["tensorflow", "keras"], "due": "2027-02-08 17:00:00 UTC"},
    "04_tf_data": {"preload": ["tensorflow"], "due": "2027-02-15 17:00:00 UTC"},
    "05_tf_training": {"preload": ["tensorflow", "keras"], "due": "2027-02-22 17:00:00 UTC"},
    "06_tf_deployment": {"preload": ["tensorflow", "keras"], "due": "2027-03-01 17:00:00 UTC"},
    "07_torch_tensors_autograd": {"preload": ["torch"], "due": "2027-03-15 17:00:00 UTC"},
    "08_torch_training": {"preload": ["torch"], "due": "2027-03-22 17:00:00 UTC"},
    "09_torch_transfer_learning": {"preload": ["torch"], "due": "2027-03-29 17:00:00 UTC"},
    "10_torch_deployment": {"preload": ["torch"], "due": "2027-04-05 17:00:00 UTC"},
    # DDP starts worker processes that talk over loopback (the sandbox has no other network).
    "11_torch_distributed": {"preload": ["torch"], "due": "2027-04-12 17:00:00 UTC",
                             "allow_subprocess": True, "allow_network": True, "test_timeout": 120},
    "12_torch_memory": {"preload": ["torch"], "due": "2027-04-19 17:00:00 UTC"},
    "13_torch_ecosystem": {"preload": ["torch"], "due": "2027-04-26 17:00:00 UTC", "test_timeout": 120},
    "14_keras_layers_models": {"preload": ["tensorflow", "keras"], "due": "2027-05-03 17:00:00 UTC", "test_timeout": 120},
    # MirroredStrategy over two logical CPUs: the worker splits the CPU before any op runs.
    "15_keras_training": {"preload": ["tensorflow", "keras"], "due": "2027-05-10 17:00:00 UTC",
                          "logical_cpus": 2},
    "16_framework_comparison": {"preload": ["tensorflow", "keras", "torch"], "due": "2027-05-17 17:00:00 UTC",
                                "test_timeout": 120},
}
c.DLCourse.test_timeout = 60      # seconds per hidden test
c.DLCourse.total_timeout = 900    # seconds per submission, all tests together
c.DLCourse.memory_mb = 4096       # resident memory of a submission's processes
c.DLCourse.threads = 1            # compute threads per worker (jobs run side by side)
# Feedback on arrival (`dlcourse serve`, the hub's dlcourse-grader service): before the due date a learner's
# submission is graded and its feedback released; show: "nothing" | "passed" (which tests) | "messages";
# per_hour: graded submissions per learner and assignment (more wait). Per assignment: ["early_feedback"].
c.DLCourse.early_feedback = {"enabled": True, "show": "messages", "per_hour": 4}
