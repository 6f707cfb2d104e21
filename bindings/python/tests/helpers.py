"""Shared helpers: the package on sys.path and the repository's vectors."""

import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..")))

import sealkit  # noqa: E402,F401


def vectors(name):
    """The vectors of testdata/vectors/<name>.json (the shared suite)."""
    with open(os.path.join(ROOT, "testdata", "vectors", name + ".json")) as f:
        return json.load(f)["vectors"]


def b64(s):
    return base64.b64decode(s, validate=True)
