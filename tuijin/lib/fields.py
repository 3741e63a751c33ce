"""Model fields encrypted at rest (等保2.0: confidentiality of personal data).

:class:`EncryptedCharField` stores its value as a Fernet token (AES-128-CBC with an HMAC-SHA256,
from the ``cryptography`` package), so a copy of the database does not reveal phone numbers.
The key is ``TUIJIN_FIELD_KEY`` (one or more Fernet keys, comma separated: the first encrypts,
all decrypt, which allows rotation). Without it the key is derived from ``SECRET_KEY``:
simpler to run, but then changing the secret key makes stored numbers unreadable and anyone
holding the secret key and the database can read them (docs/security.md).

Encryption is randomised, so the column cannot be searched or compared; only ``""`` (empty)
is stored as is, so "has a phone" filters still work.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc:"


@cache
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(b"tuijin-field-key:" + secret.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    keys = tuple(getattr(settings, "TUIJIN_FIELD_KEY", None) or ())
    return _fernet(keys, settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(stored: str | None) -> str | None:
    """The clear text; a value written before encryption was introduced is returned as is."""
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ValueError("An encrypted field could not be decrypted: TUIJIN_FIELD_KEY or SECRET_KEY changed?") from None


class EncryptedCharField(models.CharField):
    """A CharField kept encrypted in the database (a text column). ``max_length`` limits the
    clear text, as users type it."""

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection):
        return models.TextField().cast_db_type(connection)

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))


def encrypt_column(model, field_name: str, schema_editor) -> None:
    """Data migration step: encrypt the values a column held in clear text."""
    _rewrite(model, field_name, schema_editor, encrypt)


def decrypt_column(model, field_name: str, schema_editor) -> None:
    """Reverse of :func:`encrypt_column`: back to clear text."""
    _rewrite(model, field_name, schema_editor, lambda clear: clear)


def _rewrite(model, field_name, schema_editor, transform) -> None:
    connection = schema_editor.connection
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field_name).column)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608  (quoted names)
        rows = cursor.fetchall()
        updates = [(transform(decrypt(value)), key) for key, value in rows if value]
        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", updates)  # noqa: S608
