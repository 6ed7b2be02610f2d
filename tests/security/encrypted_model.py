"""A model with an encrypted column and its keyed-hash companion, for the encryption tests."""
from tortoise import fields
from tortoise.models import Model

from models.encrypted import EncryptedTextField


class Contact(Model):
    id = fields.IntField(primary_key=True)
    phone = EncryptedTextField(default="")
    phone_hash = fields.CharField(max_length=64, default="", db_index=True)
    note = fields.TextField(default="")

    class Meta:
        table = "test_encrypted_contact"
