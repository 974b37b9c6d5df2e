from __future__ import annotations

import base64

import pytest

from trama.lib import crypto

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()
AAD = b"records_person|disability|row-1"


def ring(spec: str) -> crypto.KeyRing:
    return crypto.parse_key_ring(spec)


def test_it_round_trips_and_binds_to_the_associated_data() -> None:
    keys = ring(f"a:{KEY_A}")
    token = crypto.encrypt(keys, "Disabilità grave".encode(), associated_data=AAD)
    assert token.startswith("tr1:a:")
    assert "Disabilit" not in token
    assert crypto.decrypt(keys, token, associated_data=AAD).decode() == "Disabilità grave"
    with pytest.raises(crypto.DecryptionError, match="altered or belongs to other data"):
        crypto.decrypt(keys, token, associated_data=b"records_person|disability|row-2")


def test_it_uses_a_fresh_nonce_for_every_encryption() -> None:
    keys = ring(f"a:{KEY_A}")
    first = crypto.encrypt(keys, b"same", associated_data=AAD)
    second = crypto.encrypt(keys, b"same", associated_data=AAD)
    assert first != second
    assert first.split(":")[2] != second.split(":")[2]


@pytest.mark.parametrize("position", [2, 3])
def test_it_detects_any_altered_byte(position: int) -> None:
    keys = ring(f"a:{KEY_A}")
    token = crypto.encrypt(keys, b"permesso scaduto", associated_data=AAD)
    parts = token.split(":")
    raw = bytearray(base64.urlsafe_b64decode(parts[position] + "=" * (-len(parts[position]) % 4)))
    raw[0] ^= 0x01
    parts[position] = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(keys, ":".join(parts), associated_data=AAD)


def test_it_rejects_a_token_relabelled_with_another_key_id() -> None:
    # Both keys are in the ring: decrypting with key b a token made with key a must fail, not succeed.
    keys = ring(f"a:{KEY_A},b:{KEY_B}")
    token = crypto.encrypt(keys, b"x", associated_data=AAD)
    relabelled = token.replace("tr1:a:", "tr1:b:", 1)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(keys, relabelled, associated_data=AAD)


def test_rotation_the_first_key_encrypts_all_keys_decrypt() -> None:
    old = ring(f"a:{KEY_A}")
    token = crypto.encrypt(old, b"note", associated_data=AAD)
    rotated = ring(f"b:{KEY_B},a:{KEY_A}")
    assert crypto.needs_rotation(rotated, token)
    assert crypto.decrypt(rotated, token, associated_data=AAD) == b"note"
    new_token = crypto.reencrypt(rotated, token, associated_data=AAD)
    assert crypto.key_id_of(new_token) == "b"
    assert not crypto.needs_rotation(rotated, new_token)
    # Once the old key is gone, the old token is unreadable and the new one still reads.
    only_new = ring(f"b:{KEY_B}")
    assert crypto.decrypt(only_new, new_token, associated_data=AAD) == b"note"
    with pytest.raises(crypto.DecryptionError, match="not in the key ring"):
        crypto.decrypt(only_new, token, associated_data=AAD)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "No key given"),
        (KEY_A, "has no id"),
        (f"bad id:{KEY_A}", "invalid id"),
        (f"a:{KEY_A},a:{KEY_B}", "appears twice"),
        ("a:not*base64", "not valid base64"),
        ("a:" + base64.b64encode(b"short").decode(), "must be 32 bytes"),
    ],
)
def test_it_refuses_malformed_key_rings_without_echoing_keys(spec: str, message: str) -> None:
    with pytest.raises(crypto.KeyRingError, match=message) as info:
        crypto.parse_key_ring(spec)
    assert KEY_B not in str(info.value)


def test_it_accepts_url_safe_and_unpadded_keys_and_hides_them_in_repr() -> None:
    url_safe = base64.urlsafe_b64encode(bytes(range(200, 232))).decode().rstrip("=")
    keys = ring(f" k1:{url_safe} , k2:{KEY_A} ")
    assert keys.ids == ("k1", "k2")
    assert keys.current_id == "k1"
    assert keys.key("k1") == bytes(range(200, 232))
    assert url_safe not in repr(keys)


@pytest.mark.parametrize("token", ["", "plain text", "tr1:a:zz", "tr1:a:AAAA:AAAA", "tr0:a:AAAAAAAAAAAAAAAA:AAAA"])
def test_it_refuses_malformed_tokens(token: str) -> None:
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(ring(f"a:{KEY_A}"), token, associated_data=AAD)


def test_generated_keys_are_valid_and_distinct() -> None:
    first, second = crypto.generate_key(), crypto.generate_key()
    assert first != second
    assert ring(f"x:{first}").current_id == "x"
