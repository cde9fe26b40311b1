"""Recording a class through nbgrader's own autograde, with what it rebuilds per notebook built once.

nbgrader opens its ``Gradebook`` six or more times per notebook it autogrades, and each opening
builds a new SQLAlchemy engine and checks every table of the schema; it also checks its own cell
metadata schema (a fixed document) once per cell, twice per notebook. While a batch is recorded,
``one_engine()`` lets every opening share one engine per database, checks the tables once, and
checks the metadata schema once; the rows written are nbgrader's own, through its own code, exactly
as without it (``tests/test_nbgrader_cycle.py`` compares the two).
"""
from __future__ import annotations

import contextlib


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
    """``jsonschema`` for nbgrader's cell checks: ``validate`` checks each schema once, then only the
    instance, raising the same best-matching error as ``jsonschema.validate``."""

    def __init__(self, module):
        self.module, self._validators = module, {}

    def __getattr__(self, name):
        return getattr(self.module, name)

    def validate(self, instance, schema):
        key = id(schema)
        if key not in self._validators:
            cls = self.module.validators.validator_for(schema)
            cls.check_schema(schema)
            self._validators[key] = (schema, cls(schema))   # the schema is kept, so its id stays its own
        error = self.module.exceptions.best_match(self._validators[key][1].iter_errors(instance))
        if error is not None:
            raise error
