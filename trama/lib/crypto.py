"""Authenticated encryption of small values (AES-256-GCM), framework-free.

A *key ring* holds named 256-bit keys; the first one encrypts, every one decrypts, so keys can be rotated:
put the new key first, re-encrypt (`manage.py records_reencrypt`), then drop the old key.

The key ring is configured as one string, ``id:base64key,id:base64key`` (TRAMA_RECORDS_KEYS). Key ids are short
names (letters, digits, ``_`` and ``-``); keys are 32 random bytes in standard or URL-safe base64, e.g. from
``python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"``.

A token is text, so it fits a text column on every database::

    tr1:<key id>:<nonce, base64url>:<ciphertext + 16-byte tag, base64url>

The *associated data* is authenticated but not stored: the caller passes the same bytes to encrypt and decrypt
(e.g. table, column and row identifier), so a token copied to another row or column fails to decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TOKEN_PREFIX = "tr1"  # noqa: S105 - a format tag, not a secret
KEY_BYTES = 32
NONCE_BYTES = 12  # the size GCM is designed for; random nonces are safe far beyond our volumes with one key
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class CryptoError(Exception):
    """Base class: a key ring or a token that cannot be used."""


class KeyRingError(CryptoError, ValueError):
    """The key ring configuration is malformed (the message names the problem, never the key)."""


class DecryptionError(CryptoError):
    """A token could not be decrypted: malformed, encrypted with an unknown key, altered, or bound to other data."""


@dataclass(frozen=True)
class KeyRing:
    """Keys by id; `current_id` encrypts."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyRingError("The key ring is empty.")

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes | None:
        for candidate_id, key in self.keys:
            if candidate_id == key_id:
                return key
        return None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(key_id for key_id, _ in self.keys)

    def __repr__(self) -> str:  # never print key material
        return f"KeyRing(ids={self.ids!r})"


def _b64decode(text: str) -> bytes:
    text = text.strip()
    padded = text + "=" * (-len(text) % 4)
    alphabet_ok = re.fullmatch(r"[A-Za-z0-9+/_-]*=*", padded) is not None
    if not alphabet_ok:
        raise binascii.Error("not base64")
    return base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def parse_key_ring(spec: str) -> KeyRing:
    """Parse ``id:base64key[,id:base64key…]``; the first key encrypts. Raises KeyRingError."""
    entries = [item.strip() for item in (spec or "").split(",") if item.strip()]
    if not entries:
        raise KeyRingError("No key given: expected 'id:base64key[,id:base64key…]'.")
    keys: list[tuple[str, bytes]] = []
    for position, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep:
            raise KeyRingError(f"Key #{position} has no id: expected 'id:base64key'.")
        if not _KEY_ID.match(key_id):
            raise KeyRingError(f"Key #{position} has an invalid id {key_id!r}: use 1–32 letters, digits, _ or -.")
        if any(key_id == existing for existing, _ in keys):
            raise KeyRingError(f"Key id {key_id!r} appears twice.")
        try:
            key = _b64decode(encoded)
        except (binascii.Error, ValueError):
            raise KeyRingError(f"Key {key_id!r} is not valid base64.") from None
        if len(key) != KEY_BYTES:
            raise KeyRingError(f"Key {key_id!r} must be {KEY_BYTES} bytes (256 bits), not {len(key)}.")
        keys.append((key_id, key))
    return KeyRing(tuple(keys))


def generate_key() -> str:
    """A new random key, base64-encoded, for the key ring configuration."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def encrypt(ring: KeyRing, plaintext: bytes, *, associated_data: bytes) -> str:
    """Encrypt with the ring's current key; a fresh random nonce every time."""
    key_id = ring.current_id
    key = ring.key(key_id)
    assert key is not None
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext, _aad(key_id, associated_data))
    return f"{TOKEN_PREFIX}:{key_id}:{_b64encode(nonce)}:{_b64encode(sealed)}"


def _aad(key_id: str, associated_data: bytes) -> bytes:
    # The key id and format version are authenticated too, so relabelling a token with another id fails.
    return f"{TOKEN_PREFIX}:{key_id}:".encode() + associated_data


def key_id_of(token: str) -> str:
    """The id of the key a token was encrypted with (no decryption). Raises DecryptionError if malformed."""
    return _split(token)[0]


def _split(token: str) -> tuple[str, bytes, bytes]:
    parts = token.split(":") if isinstance(token, str) else []
    if len(parts) != 4 or parts[0] != TOKEN_PREFIX:
        raise DecryptionError("Not an encrypted value (unknown format).")
    key_id, nonce_text, sealed_text = parts[1], parts[2], parts[3]
    try:
        nonce, sealed = _b64decode(nonce_text), _b64decode(sealed_text)
    except (binascii.Error, ValueError):
        raise DecryptionError("Encrypted value is not valid base64.") from None
    if len(nonce) != NONCE_BYTES or len(sealed) < 16:
        raise DecryptionError("Encrypted value is truncated.")
    return key_id, nonce, sealed


def decrypt(ring: KeyRing, token: str, *, associated_data: bytes) -> bytes:
    key_id, nonce, sealed = _split(token)
    key = ring.key(key_id)
    if key is None:
        raise DecryptionError(f"Encrypted with key {key_id!r}, which is not in the key ring.")
    try:
        return AESGCM(key).decrypt(nonce, sealed, _aad(key_id, associated_data))
    except InvalidTag:
        raise DecryptionError("Encrypted value was altered or belongs to other data.") from None


def needs_rotation(ring: KeyRing, token: str) -> bool:
    """True when the token was not encrypted with the current key."""
    return key_id_of(token) != ring.current_id


def reencrypt(ring: KeyRing, token: str, *, associated_data: bytes) -> str:
    """The same plaintext under the current key (the plaintext never leaves this function)."""
    return encrypt(ring, decrypt(ring, token, associated_data=associated_data), associated_data=associated_data)
