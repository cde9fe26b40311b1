"""Recording a class through nbgrader's own autograde, with one database engine for the batch.

nbgrader opens its ``Gradebook`` six or more times per notebook it autogrades, and each opening
builds a new SQLAlchemy engine and checks every table of the schema: most of the ~0.3 s that
recording one learner costs. While a batch is recorded, ``one_engine()`` lets every opening share
one engine per database and checks the schema once; the rows written are nbgrader's own, through
its own code, exactly as without it (``tests/test_gradebook_batch.py`` compares the two).
"""
from __future__ import annotations

import contextlib


@contextlib.contextmanager
def one_engine():
    """Within the block, ``nbgrader.api.Gradebook`` reuses one engine per URL and checks the tables once."""
    import nbgrader.api as api

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
    try:
        yield
    finally:
        api.create_engine = make_engine
        del metadata.create_all   # the instance attribute goes; the class's method is back
        for engine in engines.values():
            engine.dispose()
