"""The binding's table of C signatures (sealkit/_lib.py, SIGNATURES) agrees
with the header, libsealkit/sealkit.h: a prototype that changes there and
not here fails this test instead of corrupting memory at run time."""

import os
import re
import unittest

from helpers import ROOT, sealkit  # noqa: F401
from sealkit import _lib

HEADER = os.path.join(ROOT, "libsealkit", "sealkit.h")


def prototypes():
    with open(HEADER) as f:
        text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
    protos = {}
    for m in re.finditer(r"\bint\s+(sealkit_\w+)\s*\(([^)]*)\)\s*;", text):
        params = [" ".join(p.split()) for p in m.group(2).split(",")]
        protos[m.group(1)] = params
    return protos


def kinds(params):
    """The header's parameters as the binding's kinds: input string,
    output string, whether the last is char **error."""
    ins, outs, i = "", "", 0
    has_err = params[-1].startswith("char **") and params[-1].endswith("error")
    if has_err:
        params = params[:-1]
    while i < len(params):
        p = params[i]
        if p.startswith("const uint8_t *"):
            assert params[i + 1].startswith("size_t "), params
            ins, i = ins + "b", i + 2
        elif p.startswith("int ") and "*" not in p:
            ins, i = ins + "i", i + 1
        elif p.startswith("uint8_t **"):
            assert params[i + 1].startswith("size_t *"), params
            outs, i = outs + "b", i + 2
        elif p.startswith("char **"):
            outs, i = outs + "s", i + 1
        elif p.startswith("int *"):
            outs, i = outs + "i", i + 1
        else:
            raise AssertionError("unknown parameter %r" % p)
    return ins, outs, has_err


class Header(unittest.TestCase):
    def test_signatures_match(self):
        protos = prototypes()
        self.assertGreater(len(protos), 30)
        for name, (ins, outs) in _lib.SIGNATURES.items():
            with self.subTest(name):
                self.assertIn(name, protos)
                self.assertEqual(
                    kinds(protos[name]),
                    (ins, outs, name not in _lib.NO_ERROR_TEXT))

    def test_every_function_bound(self):
        self.assertEqual(set(prototypes()), set(_lib.SIGNATURES))

    def test_constants(self):
        with open(HEADER) as f:
            defs = dict(re.findall(r"#define (SEALKIT_\w+)\s+(\d+)", f.read()))
        for lvl in sealkit.Level:
            self.assertEqual(int(defs["SEALKIT_" + lvl.name]), lvl.value)
        for lvl in sealkit.SignLevel:
            self.assertEqual(int(defs["SEALKIT_SIGN_" + lvl.name]), lvl.value)
        for s in sealkit.Suite:
            self.assertEqual(int(defs["SEALKIT_SUITE_" + s.name]), s.value)
        for code, name in _lib._CODE_NAMES.items():
            self.assertEqual(int(defs["SEALKIT_E_" + name]), code)
        self.assertEqual(int(defs["SEALKIT_KEYBYTES"]), sealkit.KEY_SIZE)
        self.assertEqual(int(defs["SEALKIT_SALTBYTES"]), sealkit.SALT_SIZE)


if __name__ == "__main__":
    unittest.main()
