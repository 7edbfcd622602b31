"""Docstring examples are real: run them."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["quotestance", "quotestance.model.document", "quotestance.model.marks", "quotestance.model.rules",
           "quotestance.model.registry", "quotestance.model.mentions", "quotestance.model.config",
           "quotestance.model.render", "quotestance.eval.errors", "quotestance.eval.summarize"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
