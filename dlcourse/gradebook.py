"""Recording a class through nbgrader's own autograde, with what it rebuilds per notebook built once.

nbgrader opens its ``Gradebook`` six or more times per notebook it autogrades, and each opening
builds a new SQLAlchemy engine and checks every table of the schema; it also checks its own cell
metadata schema (a fixed document) once per cell, twice per notebook. While a batch is recorded,
``one_engine()`` lets every opening share one engine per database, checks the tables once, and
checks the metadata schema once. ``OnePassAutograde`` is nbgrader's ``Autograde`` converter with
each notebook read, preprocessed, validated and written once instead of twice (validated after
every step), and ``Recorder`` records a batch of learners in one transaction. The rows and files written are nbgrader's own, through its own
preprocessors, exactly as without either (``tests/test_nbgrader_cycle.py`` compares them).
"""
from __future__ import annotations

import contextlib
import datetime
import json
import os

import nbformat
from nbformat.v4.rwbase import strip_transient
from nbgrader.converters import Autograde
from nbgrader.utils import capture_log, temp_attrs


@contextlib.contextmanager
def one_engine():
    """Within the block, ``nbgrader.api.Gradebook`` reuses one engine per URL and checks the tables once."""
    import nbgrader.api as api
    import nbgrader.nbgraderformat.common as cell_format

    engines, checked = {}, set()
    make_engine, metadata = api.create_engine, api.Base.metadata
    create_all = metadata.create_all

    def shared_engine(url, **kwargs):
        if url not in engines:
            engines[url] = make_engine(url, **kwargs)
        return engines[url]

    def create_once(bind=None, **kwargs):
        key = str(getattr(bind, "url", bind))
        if key not in checked:
            create_all(bind=bind, **kwargs)
            checked.add(key)

    api.create_engine, metadata.create_all = shared_engine, create_once
    cell_format.jsonschema = _SchemaChecked(cell_format.jsonschema)
    try:
        yield
    finally:
        cell_format.jsonschema = cell_format.jsonschema.module
        api.create_engine = make_engine
        del metadata.create_all   # the instance attribute goes; the class's method is back
        for engine in engines.values():
            engine.dispose()


class _SchemaChecked:
    """``jsonschema`` for nbgrader's cell checks: ``validate`` checks each schema once, and each distinct
    instance once (a class's cells carry the same metadata), raising the same best-matching error as
    ``jsonschema.validate``. nbgrader reads its schema anew for every notebook pass: schemas are told
    apart by content."""

    def __init__(self, module):
        self.module, self._validators, self._valid = module, {}, set()
        self._last = (None, "")   # the schema object seen last, and its content

    def __getattr__(self, name):
        return getattr(self.module, name)

    def validate(self, instance, schema):
        if schema is not self._last[0]:
            self._last = (schema, json.dumps(schema, sort_keys=True))
        key = self._last[1]
        if key not in self._validators:
            cls = self.module.validators.validator_for(schema)
            cls.check_schema(schema)
            self._validators[key] = cls(schema)
        seen = (key, json.dumps(instance, sort_keys=True, default=repr))
        if seen in self._valid:
            return
        error = self.module.exceptions.best_match(self._validators[key].iter_errors(instance))
        if error is not None:
            raise error
        self._valid.add(seen)


class Recorder:
    """Records learners' graded submissions into the gradebook, a batch per database transaction.

    Each learner goes through nbgrader's autograde steps (``OnePassAutograde``), which commit after every cell;
    within ``record`` those commits wait, and the batch is committed once. A learner whose recording fails (a
    notebook nbgrader cannot read) rolls the batch back, and the batch is recorded again one learner at a time
    by nbgrader's own ``autograde``, exactly as without batching.
    """

    def __init__(self, api, assignment: str):
        self.api, self.assignment, self.converter = api, assignment, None

    def record(self, students: list[str]) -> dict[str, bool]:
        """Record ``students``; learner -> whether nbgrader recorded it. All are in the gradebook on return."""
        try:
            with one_transaction():
                done = {student: self._one_pass(student) for student in students}
                if not all(done.values()):
                    raise _Failed
            return done
        except _Failed:
            return {s: self.api.autograde(self.assignment, s, force=True, create=True)["success"] for s in students}

    def _one_pass(self, student: str) -> bool:
        with temp_attrs(self.api.coursedir, assignment_id=self.assignment, student_id=student):
            if self.converter is None:
                self.converter = OnePassAutograde(coursedir=self.api.coursedir, parent=self.api)
                self.converter.force = self.converter.create_student = True
            return capture_log(self.converter)["success"]


class _Failed(Exception):
    """A learner of the batch could not be recorded: the batch is rolled back."""


# The release's rows: autograding reads them for every learner and never changes them.
_RELEASE_LOOKUPS = ("find_assignment", "find_notebook", "find_source_cell", "find_graded_cell")


# A submission's grades and comments: nbgrader finds each with a query of its own, once per cell.
_SUBMISSION_LOOKUPS = {"find_grade": "grades", "find_comment": "comments"}


def _from_submission(rows, missing):
    found = {}

    def find(self, cell, notebook, assignment, student):
        key = (notebook, assignment, student)
        if key not in found:
            submitted = self.find_submission_notebook(notebook, assignment, student)
            found[key] = {row.name: row for row in getattr(submitted, rows)}
        if cell not in found[key]:
            raise missing(f"No such {rows[:-1]}: {cell}/{notebook}/{assignment}/{student}")
        return found[key][cell]
    return find


def _once(lookup):
    rows = {}

    def cached(self, *args):
        if args not in rows:
            rows[args] = lookup(self, *args)
        return rows[args]
    return cached


@contextlib.contextmanager
def one_transaction():
    """Every nbgrader ``Gradebook`` opened in the block shares one session, whose commits wait for the block:
    it commits once when the block ends, and rolls everything back if the block raises or nbgrader rolled back.
    In that one session the release's rows stay loaded, so nbgrader looks each up once per block, and a
    submission's grades and comments are loaded together."""
    import nbgrader.api as api

    shared, rolled_back = [], []
    make_session, close = api.scoped_session, api.Gradebook.close

    def one_session(factory):
        if not shared:
            session = make_session(factory)
            session.commit = session.flush          # written in the transaction, committed at the block's end
            rollback = session.rollback

            def noted_rollback():
                rolled_back.append(True)
                rollback()
            session.rollback = noted_rollback
            shared.append(session)
        elif factory.kw["bind"] is not shared[0].session_factory.kw["bind"]:
            raise RuntimeError("one_transaction() covers one database; use it inside one_engine()")
        return shared[0]

    api.scoped_session, api.Gradebook.close = one_session, lambda self: None
    lookups = {name: getattr(api.Gradebook, name) for name in (*_RELEASE_LOOKUPS, *_SUBMISSION_LOOKUPS)}
    for name in _RELEASE_LOOKUPS:
        setattr(api.Gradebook, name, _once(lookups[name]))
    for name, rows in _SUBMISSION_LOOKUPS.items():
        setattr(api.Gradebook, name, _from_submission(rows, api.MissingEntry))
    try:
        yield
        if rolled_back:          # nbgrader caught a database error and went on: what it wrote before is gone
            raise _Failed
        if shared:
            del shared[0].commit
            shared[0].commit()
    except BaseException:
        if shared:
            del shared[0].rollback
            shared[0].rollback()
        raise
    finally:
        api.scoped_session, api.Gradebook.close = make_session, close
        for name, lookup in lookups.items():
            setattr(api.Gradebook, name, lookup)
        if shared:
            shared[0].remove()


class OnePassAutograde(Autograde):
    """nbgrader's ``Autograde``: the same steps on each notebook, in memory between its two passes.

    Stock nbgrader writes the sanitised notebook, reads it back for the autograde pass, deep-copies it
    before each pass and validates it after every preprocessor; here it is read once, each pass's
    preprocessors run on it in turn, and it is validated and written once.
    """

    def convert_single_notebook(self, notebook_filename: str) -> None:
        nb = nbformat.read(notebook_filename, as_version=4)
        resources = self._pass_resources(notebook_filename, os.path.getmtime(notebook_filename))
        info = resources["nbgrader"]
        autograded = os.path.join(self._format_dest(info["assignment"], info["student"]),
                                  os.path.basename(notebook_filename))
        try:
            for self._sanitizing in (True, False):
                if not self._sanitizing:     # the autograde pass reads the sanitised notebook from autograded/
                    resources = self._pass_resources(autograded, datetime.datetime.now().timestamp())
                if self._sanitizing:         # the autograde pass's notebook is already normalised
                    _, nb = nbformat.validator.normalize(nb)
                if "language" in nb.metadata:
                    resources["language"] = nb.metadata["language"].lower()
                for preprocessor in self._pass_preprocessors():
                    nb, resources = preprocessor(nb, resources)
                strip_transient(nb)          # what writing it and reading it back between the passes drops
        finally:
            self._sanitizing = True
        nbformat.validate(nb, relax_add_props=True)   # a notebook a step made invalid fails, as in stock nbgrader
        # nbformat.writes less its second validation: the same JSON
        self.write_single_notebook(nbformat.versions[nb.nbformat].writes_json(nb) + "\n", resources)

    def _pass_resources(self, path: str, modified: float) -> dict:
        """The resources nbconvert's ``from_filename`` builds for the notebook at ``path``."""
        resources = self.exporter._init_resources(self.init_single_notebook_resources(path))
        folder, name = os.path.split(path)
        date = datetime.datetime.fromtimestamp(modified, tz=datetime.timezone.utc).strftime("%B %-d, %Y")
        resources["metadata"].update(name=os.path.splitext(name)[0], path=folder, modified_date=date)
        return resources

    def _pass_preprocessors(self) -> list:
        """This pass's preprocessors, built once per converter (stock nbgrader builds them per notebook)."""
        cache = self.__dict__.setdefault("_dlcourse_preprocessors", {})
        if self._sanitizing not in cache:
            self._init_preprocessors()
            cache[self._sanitizing] = list(self.exporter._preprocessors)
        return cache[self._sanitizing]
