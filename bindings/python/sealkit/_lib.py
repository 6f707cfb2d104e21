"""Loading libsealkit and calling it through ctypes.

The C contract (sealkit.h): every function returns an int status
(``SEALKIT_OK`` = 0 or a ``SEALKIT_E_*`` code); inputs are
``const uint8_t *p, size_t len`` pairs; byte outputs are
``uint8_t **out, size_t *out_len`` pairs the library allocates and the
caller releases with ``sealkit_free(p, len)``, which wipes then frees; the
last argument is ``char **error``, the crate's text, released with
``sealkit_free_string``. This module turns that into bytes in, bytes out and
an exception on failure. ctypes releases the GIL around every foreign call,
so a slow call (Argon2id) does not stop other Python threads; the library is
thread-safe.
"""

import ctypes
import os

from . import errors

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO_LIB = os.path.normpath(
    os.path.join(_HERE, "..", "..", "..", "build", "lib", "libsealkit.so"))

# Status numbers -> code names, as sealkit.h's SEALKIT_E_* and js/errors.js.
_CODE_NAMES = {
    1: "BASE64", 2: "DECRYPTION", 3: "INVALID_LENGTH", 4: "TOO_SHORT",
    5: "INVALID_KEY_HASH", 6: "INVALID_RECOVERY_KEY", 7: "KDF", 8: "HYBRID",
    9: "UTF8", 10: "LOW_ORDER_KEY", 11: "SIGNATURE", 12: "INVALID_ARGUMENT",
    13: "INTERNAL",
}

_u8p = ctypes.POINTER(ctypes.c_uint8)
_charp = ctypes.POINTER(ctypes.c_char)

# The functions this binding calls: name -> (input kinds, output kinds).
# Input kinds: "b" a byte buffer (pointer, length), "i" an int (a level).
# Output kinds: "b" bytes (uint8_t**, size_t*), "s" a NUL-terminated string
# (char**), "i" an int (int*). The error text (char**) comes last, except
# for the functions in NO_ERROR_TEXT.
SIGNATURES = {
    "sealkit_generate_key": ("", "b"),
    "sealkit_generate_salt": ("", "b"),
    "sealkit_generate_keypair": ("", "bb"),
    "sealkit_is_hybrid_ciphertext": ("b", "i"),
    "sealkit_encrypt_secretbox": ("bb", "b"),
    "sealkit_decrypt_secretbox": ("bb", "b"),
    "sealkit_public_key_from_private": ("b", "b"),
    "sealkit_box_seal": ("bb", "b"),
    "sealkit_box_seal_open": ("bbb", "b"),
    "sealkit_generate_hybrid_keypair": ("i", "bb"),
    "sealkit_hybrid_public_key": ("bi", "b"),
    "sealkit_hybrid_seal": ("bb", "b"),
    "sealkit_hybrid_seal_with_level": ("bbi", "b"),
    "sealkit_hybrid_open": ("bb", "b"),
    "sealkit_seal_for_user": ("ibbb", "b"),
    "sealkit_unseal_from_user": ("bbbb", "b"),
    "sealkit_derive_session_key": ("bb", "b"),
    "sealkit_derive_auth_key": ("b", "b"),
    "sealkit_format_key_hash": ("b", "s"),
    "sealkit_parse_salt_from_key_hash": ("b", "s"),
    "sealkit_encrypt_private_key": ("bb", "b"),
    "sealkit_decrypt_private_key": ("bb", "b"),
    "sealkit_generate_recovery_key": ("", "sb"),
    "sealkit_recovery_key_to_secret": ("b", "b"),
    "sealkit_encrypt_private_key_for_recovery": ("bb", "b"),
    "sealkit_decrypt_private_key_with_recovery": ("bb", "b"),
    "sealkit_blind_index": ("bb", "b"),
    "sealkit_blind_index_email": ("bb", "b"),
    "sealkit_generate_signing_keypair": ("i", "bb"),
    "sealkit_generate_signing_keypair_suite": ("ii", "bb"),
    "sealkit_derive_signing_public_key": ("b", "b"),
    "sealkit_sign": ("bbb", "b"),
    "sealkit_verify": ("bbbb", "i"),
    "sealkit_signature_posture": ("b", "ii"),
    "sealkit_signature_posture_from_signature": ("b", "ii"),
    "sealkit_encode_base64": ("b", "s"),
    "sealkit_decode_base64": ("b", "b"),
}

# The functions that cannot fail on input and so take no char **error
# (they fail only on a NULL output pointer, which this module never
# passes).
NO_ERROR_TEXT = frozenset((
    "sealkit_generate_key", "sealkit_generate_salt",
    "sealkit_generate_keypair", "sealkit_is_hybrid_ciphertext",
))

_ARG = {"b": (ctypes.c_char_p, ctypes.c_size_t), "i": (ctypes.c_int,)}
_OUT = {"b": (ctypes.POINTER(_u8p), ctypes.POINTER(ctypes.c_size_t)),
        "s": (ctypes.POINTER(_charp),), "i": (ctypes.POINTER(ctypes.c_int),)}


def _find():
    env = os.environ.get("SEALKIT_LIB")
    if env:
        return env, [env]
    return _REPO_LIB, [_REPO_LIB, "libsealkit.so"]


def _load():
    first, candidates = _find()
    problems = []
    for path in candidates:
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            problems.append(str(e))
    raise errors.LibraryNotFoundError(
        "sealkit: cannot load libsealkit (looked for %s): %s. Run `make lib` "
        "at the root of the sealkit repository to build build/lib/"
        "libsealkit.so, or set SEALKIT_LIB to the library's path."
        % (first, "; ".join(problems)))


_lib = _load()
_lib.sealkit_free.argtypes = (ctypes.c_void_p, ctypes.c_size_t)
_lib.sealkit_free.restype = None
_lib.sealkit_free_string.argtypes = (ctypes.c_void_p,)
_lib.sealkit_free_string.restype = None
_lib.sealkit_error_name.argtypes = (ctypes.c_int,)
_lib.sealkit_error_name.restype = ctypes.c_char_p

_funcs = {}
for _name, (_ins, _outs) in SIGNATURES.items():
    _f = getattr(_lib, _name, None)
    if _f is None:
        continue  # not in this build of the library; calling it raises
    _f.argtypes = tuple(t for k in _ins for t in _ARG[k]) + tuple(
        t for k in _outs for t in _OUT[k]) + (
        () if _name in NO_ERROR_TEXT else (ctypes.POINTER(_charp),))
    _f.restype = ctypes.c_int
    _funcs[_name] = _f


def _bytes_arg(value, name, i):
    """value as bytes for the C call; the name and position only for the
    TypeError's text."""
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("sealkit: argument %d of %s must be bytes, not %s"
                    % (i + 1, name, type(value).__name__))


def _raise(status, err):
    """Raises the exception of a failed call, releasing its error text."""
    text = "unknown error"
    if err:
        text = ctypes.string_at(err).decode("utf-8", "replace")
        _lib.sealkit_free_string(err)
    name = _lib.sealkit_error_name(status)
    code = name.decode("ascii") if name else _CODE_NAMES.get(
        status, "INTERNAL")
    raise errors.error_for(code, text, status)


def _bytes_call(name, f, nin):
    """The fast path for the common shape: nin byte inputs, one byte
    output, an error text. Same contract as call()."""
    byref, string_at, free = ctypes.byref, ctypes.string_at, _lib.sealkit_free

    def fn(*args):
        if len(args) != nin:
            raise TypeError("%s takes %d arguments" % (name, nin))
        cargs = []
        for i, v in enumerate(args):
            if type(v) is not bytes:
                v = _bytes_arg(v, name, i)
            cargs.append(v)
            cargs.append(len(v))
        p, n, err = _u8p(), ctypes.c_size_t(), _charp()
        status = f(*cargs, byref(p), byref(n), byref(err))
        if status != 0:
            _raise(status, err)
        if not p:
            return b""
        size = n.value
        out = string_at(p, size)
        free(p, size)
        return out
    return fn


_fast = {name[len("sealkit_"):]: _bytes_call(name[len("sealkit_"):], f,
                                              len(SIGNATURES[name][0]))
         for name, f in _funcs.items()
         if SIGNATURES[name][1] == "b" and name not in NO_ERROR_TEXT
         and set(SIGNATURES[name][0]) <= {"b"}}


def call(name, *args):
    """Calls sealkit_<name> with args (bytes-like, or int levels; text is
    encoded by the caller, so a str where bytes are due is a TypeError)
    and returns its outputs: one value, or a tuple of several. Raises the
    SealkitError subclass of the status on failure."""
    fast = _fast.get(name)
    if fast is not None:
        return fast(*args)
    cname = "sealkit_" + name
    f = _funcs.get(cname)
    if f is None:
        raise NotImplementedError(
            "sealkit: this libsealkit has no %s; rebuild it with `make lib`"
            % cname)
    ins, outs = SIGNATURES[cname]
    if len(args) != len(ins):
        raise TypeError("%s takes %d arguments" % (name, len(ins)))
    cargs = []
    for i, (kind, value) in enumerate(zip(ins, args)):
        if kind == "b":
            b = _bytes_arg(value, name, i)
            cargs += [b, len(b)]
        else:
            cargs.append(int(value))
    slots = []
    for kind in outs:
        if kind == "b":
            p, n = _u8p(), ctypes.c_size_t()
            slots.append((kind, p, n))
            cargs += [ctypes.byref(p), ctypes.byref(n)]
        elif kind == "s":
            p = _charp()
            slots.append((kind, p, None))
            cargs.append(ctypes.byref(p))
        else:
            v = ctypes.c_int()
            slots.append((kind, v, None))
            cargs.append(ctypes.byref(v))
    err = _charp()
    if cname not in NO_ERROR_TEXT:
        cargs.append(ctypes.byref(err))
    status = f(*cargs)
    if status != 0:
        _raise(status, err)
    results = []
    for kind, p, n in slots:
        if kind == "b":
            results.append(ctypes.string_at(p, n.value) if p else b"")
            if p:
                _lib.sealkit_free(p, n.value)
        elif kind == "s":
            s = ctypes.string_at(p) if p else b""
            if p:
                _lib.sealkit_free_string(p)
            results.append(s.decode("utf-8"))
        else:
            results.append(p.value)
    return results[0] if len(results) == 1 else tuple(results)
