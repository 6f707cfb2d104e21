"""Exceptions of the sealkit binding.

Every failure of the library is a :class:`SealkitError`. Its ``code`` is the
stable name of the SDK's error codes (``"DECRYPTION"``, ``"INVALID_LENGTH"``,
... as in js/errors.js and sealkit.h's ``SEALKIT_E_*``), ``status`` the C
status number, and ``str(err)`` the crate's error text, unchanged. Each code
has its own subclass, so callers can ``except sealkit.DecryptionError``.
The texts never carry plaintext or keys: at most a length, an offset or one
offending base64 symbol.
"""

__all__ = [
    "SealkitError", "Base64Error", "DecryptionError", "InvalidLengthError",
    "TooShortError", "InvalidKeyHashError", "InvalidRecoveryKeyError",
    "KDFError", "HybridError", "UTF8Error", "LowOrderKeyError",
    "SignatureError", "InvalidArgumentError", "InternalError",
    "LibraryNotFoundError",
]


class SealkitError(Exception):
    """A failure reported by libsealkit.

    Attributes:
        code: the stable code name, e.g. ``"DECRYPTION"``.
        status: the C status number (``SEALKIT_E_*``).
        message: the crate's error text (also ``str(self)``).
    """

    code = "INTERNAL"

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.message = message
        self.status = status
        if code is not None:
            self.code = code


class Base64Error(SealkitError, ValueError):
    """Text that is not strict, padded, standard base64."""
    code = "BASE64"


class DecryptionError(SealkitError, ValueError):
    """An authentication tag did not verify: wrong key or altered data."""
    code = "DECRYPTION"


class InvalidLengthError(SealkitError, ValueError):
    """A key, salt, seed or public key of the wrong size."""
    code = "INVALID_LENGTH"


class TooShortError(SealkitError, ValueError):
    """A ciphertext shorter than its format's minimum."""
    code = "TOO_SHORT"


class InvalidKeyHashError(SealkitError, ValueError):
    """A key_hash without exactly one ``$``."""
    code = "INVALID_KEY_HASH"


class InvalidRecoveryKeyError(SealkitError, ValueError):
    """A recovery key with a bad character or the wrong length."""
    code = "INVALID_RECOVERY_KEY"


class KDFError(SealkitError):
    """Argon2id could not run."""
    code = "KDF"


class HybridError(SealkitError, ValueError):
    """Unknown seal tag or level, invalid ML-KEM key, bad curve point."""
    code = "HYBRID"


class UTF8Error(SealkitError, ValueError):
    """Bytes that are not UTF-8 where text was asked for."""
    code = "UTF8"


class LowOrderKeyError(SealkitError, ValueError):
    """Sealing to a low-order X25519 public key."""
    code = "LOW_ORDER_KEY"


class SignatureError(SealkitError, ValueError):
    """A signing key or signature with a missing or unknown version tag,
    or a suite and level that do not go together."""
    code = "SIGNATURE"


class InvalidArgumentError(SealkitError, ValueError):
    """A misuse of the C API (an unknown level value, a NULL pointer)."""
    code = "INVALID_ARGUMENT"


class InternalError(SealkitError):
    """A failure that should not happen; a bug in libsealkit."""
    code = "INTERNAL"


class LibraryNotFoundError(ImportError):
    """libsealkit.so could not be loaded (run ``make lib``)."""


_BY_CODE = {cls.code: cls for cls in (
    Base64Error, DecryptionError, InvalidLengthError, TooShortError,
    InvalidKeyHashError, InvalidRecoveryKeyError, KDFError, HybridError,
    UTF8Error, LowOrderKeyError, SignatureError, InvalidArgumentError,
    InternalError)}


def error_for(code, message, status=None):
    """The exception for a code name; unknown codes become InternalError."""
    cls = _BY_CODE.get(code, InternalError)
    return cls(message, status=status, code=cls.code)
