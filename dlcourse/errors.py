"""Errors meant for people: one line saying what is wrong and what to do."""


class CourseError(Exception):
    """Bad input or setup; the CLI prints the message alone and exits non-zero."""
