"""Random tokens stored as hashes, argon2 password hashes, HMAC signatures."""
import hashlib
import hmac
import secrets
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from totem.settings import get_settings

# The test suite hashes and checks thousands of passwords: there, argon2id's smallest parameters. Every other
# environment uses argon2-cffi's defaults (RFC 9106's low-memory profile); a hash carries its parameters, so
# either verifies the other's.
_TEST_PARAMETERS = {"time_cost": 1, "memory_cost": 8, "parallelism": 1, "hash_len": 16, "salt_len": 16,
                    "type": Type.ID}


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher(**_TEST_PARAMETERS) if get_settings().environment == "test" else PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so that a login takes the same time whether or not it exists."""
    return _hasher().hash("totem-dummy-password")


def new_token() -> tuple[str, str]:
    """A URL-safe random token and the hash under which it is stored."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def sign(secret_key: str, purpose: str, value: str) -> str:
    return hmac.new(secret_key.encode(), f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def signature_matches(secret_key: str, purpose: str, value: str, signature: str) -> bool:
    return hmac.compare_digest(sign(secret_key, purpose, value), signature)
