"""sealkit for Python: the sealkit core (libsealkit) over ctypes.

Bytes in, bytes out; every failure raises a :class:`SealkitError` subclass
whose text is the crate's (metamorphic-crypto's) error text. The formats are
byte-for-byte those of the Go package, the WebAssembly SDK and the crate:
what one seals, every other opens. Standard library only; the shared library
is ``build/lib/libsealkit.so`` (``make lib``) unless ``SEALKIT_LIB`` names
another.

Example::

    import sealkit
    key = sealkit.generate_key()
    box = sealkit.encrypt_secretbox(b"hello", key)
    assert sealkit.decrypt_secretbox(box, key) == b"hello"
"""

import collections
import enum

from . import _lib
from .errors import *  # noqa: F401,F403
from .errors import __all__ as _errors_all

__all__ = [
    "Level", "SignLevel", "Suite", "KeyPair", "HybridKeyPair", "SigningKeyPair",
    "RecoveryKey",
    "KEY_SIZE", "PUBLIC_KEY_SIZE", "PRIVATE_KEY_SIZE", "SALT_SIZE",
    "RECOVERY_SECRET_SIZE", "NONCE_SIZE", "TAG_SIZE", "SIGN_CONTEXT_V1",
    "generate_key", "generate_salt", "encrypt_secretbox", "decrypt_secretbox",
    "generate_keypair", "public_key_from_private", "box_seal", "box_seal_open",
    "generate_hybrid_keypair", "hybrid_public_key", "hybrid_seal",
    "hybrid_open", "is_hybrid_ciphertext", "seal_for_user", "unseal_from_user",
    "derive_session_key", "derive_auth_key", "format_key_hash", "parse_salt_from_key_hash",
    "encrypt_private_key", "decrypt_private_key", "generate_recovery_key",
    "recovery_key_to_secret", "encrypt_private_key_for_recovery",
    "decrypt_private_key_with_recovery", "blind_index", "blind_index_email",
    "generate_signing_keypair", "derive_signing_public_key", "sign", "verify",
    "signature_posture", "signature_posture_from_signature",
    "encode_base64", "decode_base64",
] + list(_errors_all)

KEY_SIZE = 32            # secretbox key, session key
PUBLIC_KEY_SIZE = 32     # X25519 public key
PRIVATE_KEY_SIZE = 32    # X25519 private key
SALT_SIZE = 16           # Argon2id salt
RECOVERY_SECRET_SIZE = 32
NONCE_SIZE = 24
TAG_SIZE = 16
SIGN_CONTEXT_V1 = "metamorphic/sign/v1"  # the crate's signing context


class Level(enum.IntEnum):
    """A hybrid seal's security category: ML-KEM-512/768/1024 + X25519.
    CAT3 is the crate's default. The values are sealkit.h's SEALKIT_CAT*."""
    CAT1 = 1
    CAT3 = 3
    CAT5 = 5


class SignLevel(enum.IntEnum):
    """A composite signature's category: ML-DSA-44/65/87 with a classical
    signature. CAT3 is the crate's default. The values are sealkit.h's
    SEALKIT_SIGN_CAT*."""
    CAT2 = 2
    CAT3 = 3
    CAT5 = 5


class Suite(enum.IntEnum):
    """A signature suite (sealkit.h's SEALKIT_SUITE_*): HYBRID is ML-DSA
    with Ed25519 (the default), HYBRID_MATCHED pairs ML-DSA-65 with Ed448
    and ML-DSA-87 with ECDSA P-521, PURE_CNSA2 is ML-DSA-87 alone."""
    HYBRID = 0
    HYBRID_MATCHED = 1
    PURE_CNSA2 = 2


def _level(level, enum_cls):
    """A level as its C int: an enum member, its int value, or the crate's
    spelling ("cat1", any case). An int outside the enum is passed on, and
    the library refuses it with the crate's text."""
    if isinstance(level, str):
        try:
            return enum_cls[level.upper()].value
        except KeyError:
            raise InvalidArgumentError(  # noqa: F405
                "unknown %s %r" % (enum_cls.__name__, level)) from None
    if isinstance(level, bool) or not isinstance(level, int):
        raise TypeError("sealkit: level must be a %s, not %s"
                        % (enum_cls.__name__, type(level).__name__))
    return int(level)


def _text(value):
    """A text argument (password, context, key_hash, recovery key, email):
    str as UTF-8, or the bytes already encoded."""
    return value.encode("utf-8") if isinstance(value, str) else value


KeyPair = collections.namedtuple("KeyPair", "public_key private_key")
KeyPair.__doc__ = "An X25519 key pair (32 bytes each)."
HybridKeyPair = collections.namedtuple("HybridKeyPair", "public_key seed")
HybridKeyPair.__doc__ = ("A hybrid (ML-KEM + X25519) key pair: the public "
                         "key and the 32-byte seed it derives from.")
SigningKeyPair = collections.namedtuple("SigningKeyPair",
                                        "public_key secret_key")
SigningKeyPair.__doc__ = "A composite signing key pair (version-tagged)."
RecoveryKey = collections.namedtuple("RecoveryKey", "key secret")
RecoveryKey.__doc__ = ("A recovery key: the 76-character text shown to the "
                       "user and the 32 secret bytes it decodes to.")


# Keys and secretbox.

def generate_key():
    """Returns 32 random bytes: a secretbox key."""
    return _lib.call("generate_key")


def generate_salt():
    """Returns 16 random bytes: an Argon2id salt."""
    return _lib.call("generate_salt")


def encrypt_secretbox(plaintext, key):
    """XSalsa20-Poly1305 with a random nonce: nonce(24) || tag(16) || ct."""
    return _lib.call("encrypt_secretbox", plaintext, key)


def decrypt_secretbox(ciphertext, key):
    """Opens encrypt_secretbox's output; DecryptionError on a wrong key or
    altered data."""
    return _lib.call("decrypt_secretbox", ciphertext, key)


# Sealed boxes (X25519).

def generate_keypair():
    """Returns a new X25519 KeyPair(public_key, private_key)."""
    return KeyPair(*_lib.call("generate_keypair"))


def public_key_from_private(private_key):
    """Returns the X25519 public key of a 32-byte private key."""
    return _lib.call("public_key_from_private", private_key)


def box_seal(plaintext, public_key):
    """libsodium's crypto_box_seal: anonymous encryption to public_key."""
    return _lib.call("box_seal", plaintext, public_key)


def box_seal_open(ciphertext, public_key, private_key):
    """Opens box_seal's output with the recipient's key pair."""
    return _lib.call("box_seal_open", ciphertext, public_key, private_key)


# Hybrid post-quantum seals.

def generate_hybrid_keypair(level=Level.CAT3):
    """Returns a HybridKeyPair(public_key, seed) at level."""
    return HybridKeyPair(*_lib.call(
        "generate_hybrid_keypair", _level(level, Level)))


def hybrid_public_key(seed, level=Level.CAT3):
    """Recomputes the hybrid public key of a seed at level."""
    return _lib.call("hybrid_public_key", seed,
                     _level(level, Level))


def hybrid_seal(plaintext, public_key, level=None):
    """Seals plaintext to a hybrid public key. Without level, the level is
    the one the public key's size says; with it, a key of another level is
    refused."""
    if level is None:
        return _lib.call("hybrid_seal", plaintext, public_key)
    return _lib.call("hybrid_seal_with_level", plaintext, public_key,
                     _level(level, Level))


def hybrid_open(ciphertext, seed):
    """Opens a hybrid seal of any level with the recipient's seed."""
    return _lib.call("hybrid_open", ciphertext, seed)


def is_hybrid_ciphertext(ciphertext):
    """True when ciphertext starts with a hybrid seal tag (a format check,
    not a proof that it opens)."""
    return bool(_lib.call("is_hybrid_ciphertext", ciphertext))


def seal_for_user(plaintext, public_key, pq_public_key=None,
                  level=Level.CAT3):
    """Seals to a user: hybrid when pq_public_key is given, else a box
    seal to the X25519 public_key."""
    return _lib.call("seal_for_user", _level(level, Level), plaintext,
                     public_key, pq_public_key or b"")


def unseal_from_user(ciphertext, public_key, private_key, pq_seed=None):
    """Opens seal_for_user's output: a hybrid seal with pq_seed, else a box
    seal with the X25519 key pair."""
    return _lib.call("unseal_from_user", ciphertext, public_key,
                     private_key, pq_seed or b"")


# Passwords, private keys, recovery.

def derive_session_key(password, salt):
    """Argon2id (t=2, m=64 MiB, p=1) of password (str as UTF-8, or bytes)
    and a 16-byte salt: 32 bytes. Slow on purpose; releases the GIL."""
    return _lib.call("derive_session_key", _text(password), salt)


def derive_auth_key(session_key):
    """The key that authenticates a user to the server, derived from the
    32-byte session key (so the server never learns the session key)."""
    return _lib.call("derive_auth_key", session_key)


def format_key_hash(salt):
    """The crate's key_hash text for a salt: base64(salt) + "$argon2id"."""
    return _lib.call("format_key_hash", salt)


def parse_salt_from_key_hash(key_hash):
    """The base64 salt text of a key_hash (the part before "$")."""
    return _lib.call("parse_salt_from_key_hash", _text(key_hash))


def encrypt_private_key(private_key, session_key):
    """Wraps a private key under a session key (secretbox)."""
    return _lib.call("encrypt_private_key", private_key, session_key)


def decrypt_private_key(ciphertext, session_key):
    """Unwraps encrypt_private_key's output."""
    return _lib.call("decrypt_private_key", ciphertext, session_key)


def generate_recovery_key():
    """Returns a new RecoveryKey(key, secret)."""
    return RecoveryKey(*_lib.call("generate_recovery_key"))


def recovery_key_to_secret(recovery_key):
    """The 32 secret bytes of a recovery key's text (dashes and case are
    forgiven as the crate forgives them)."""
    return _lib.call("recovery_key_to_secret", _text(recovery_key))


def encrypt_private_key_for_recovery(private_key, recovery_secret):
    """Wraps a private key under a recovery secret."""
    return _lib.call("encrypt_private_key_for_recovery", private_key,
                     recovery_secret)


def decrypt_private_key_with_recovery(ciphertext, recovery_secret):
    """Unwraps encrypt_private_key_for_recovery's output."""
    return _lib.call("decrypt_private_key_with_recovery", ciphertext,
                     recovery_secret)


def blind_index(key, value):
    """HMAC-based blind index of value under key (searchable equality)."""
    return _lib.call("blind_index", key, value)


def blind_index_email(key, email):
    """blind_index of an email address, lowercased first (as the crate)."""
    return _lib.call("blind_index_email", key, _text(email))


# Signatures.

def generate_signing_keypair(level=SignLevel.CAT3, suite=None):
    """Returns a new SigningKeyPair(public_key, secret_key) of level, in
    suite (Suite.HYBRID unless given; a suite and level that do not go
    together raise SignatureError)."""
    if suite is None:
        return SigningKeyPair(*_lib.call("generate_signing_keypair",
                                         _level(level, SignLevel)))
    return SigningKeyPair(*_lib.call("generate_signing_keypair_suite",
                                     _level(suite, Suite),
                                     _level(level, SignLevel)))


def derive_signing_public_key(secret_key):
    """The public key of a signing secret key."""
    return _lib.call("derive_signing_public_key", secret_key)


def sign(message, context, secret_key):
    """Signs message under a context string (domain separation)."""
    return _lib.call("sign", message, _text(context), secret_key)


def verify(message, context, signature, public_key):
    """True when signature is valid for message, context and public_key;
    False for a signature that does not verify; SignatureError for a
    malformed key or signature."""
    return bool(_lib.call("verify", message, _text(context), signature,
                          public_key))


def signature_posture(public_key):
    """The (Suite, SignLevel) a signing public key declares by its version
    tag."""
    suite, level = _lib.call("signature_posture", public_key)
    return Suite(suite), SignLevel(level)


def signature_posture_from_signature(signature):
    """The (Suite, SignLevel) a signature declares by its version tag."""
    suite, level = _lib.call("signature_posture_from_signature", signature)
    return Suite(suite), SignLevel(level)


# Base64 as the crate writes and reads it: standard alphabet, padded,
# strict (Python's base64 module accepts what the crate refuses).

def encode_base64(data):
    """Standard padded base64 text of data."""
    return _lib.call("encode_base64", data)


def decode_base64(text):
    """The bytes of strict standard padded base64 text; Base64Error with
    the crate's text (offset and symbol) otherwise."""
    return _lib.call("decode_base64", _text(text))
