from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Channel',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=30)),
                ('name', fields.CharField(max_length=128)),
                ('kind', fields.CharField(default='other', max_length=32)),
                ('cost', fields.DecimalField(default=0, max_digits=12, decimal_places=2)),
                ('welcome_template', fields.TextField(default='', unique=False)),
                ('config_id', fields.CharField(default='', max_length=64)),
                ('qr_url', fields.CharField(default='', max_length=512)),
                ('archived', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'channel', 'app': 'models', 'pk_attr': 'id', 'table_description': "A touchpoint whose QR code brings contacts in. Its code is the contact way's state."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CustomerGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('chat_id', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(default='', max_length=128)),
                ('owner_userid', fields.CharField(default='', max_length=64)),
                ('member_count', fields.IntField(default=0)),
                ('dismissed', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'customer_group', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An external customer group (客户群).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DialogState',
            fields=[
                ('user_key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255)),
                ('state', fields.CharField(max_length=64)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'dialog_state', 'app': 'models', 'pk_attr': 'user_key', 'table_description': "A user's place in a multi-step dialog (survey, sign-up), persisted, not in memory."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FaqEntryRecord',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('category', fields.CharField(default='other', db_index=True, max_length=32)),
                ('question', fields.CharField(max_length=500)),
                ('variants', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('keywords', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('rules', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('answer', fields.TextField(unique=False)),
                ('scope', fields.CharField(default='both', max_length=8)),
                ('active', fields.BooleanField(default=True, db_index=True)),
                ('updated_by', fields.CharField(default='', max_length=64)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'faq_entry', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A persisted FAQ entry. The matcher indexes the active ones. variants and'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='KfConversation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('open_kfid', fields.CharField(max_length=64)),
                ('external_userid', fields.CharField(max_length=64)),
                ('last_customer_message_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_since', fields.IntField(default=0)),
            ],
            options={'table': 'kf_conversation', 'app': 'models', 'unique_together': (('open_kfid', 'external_userid'),), 'pk_attr': 'id', 'table_description': 'Per customer and kf account: when the customer last wrote and how many messages were'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='KfCursor',
            fields=[
                ('open_kfid', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('cursor', fields.CharField(default='', max_length=128)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'kf_cursor', 'app': 'models', 'pk_attr': 'open_kfid', 'table_description': 'The kf/sync_msg cursor of one customer-service account (open_kfid).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProcessedCallback',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'processed_callback', 'app': 'models', 'pk_attr': 'key', 'table_description': 'The exactly-once guard: a callback or message is handled only by whoever inserts its key.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Staff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('userid', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A WeCom staff member (成员) who receives contacts and talks to customers.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Lead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(default='', max_length=128)),
                ('company', fields.CharField(default='', max_length=256)),
                ('status', fields.CharField(default='active', db_index=True, max_length=16)),
                ('first_channel', fields.ForeignKeyField('models.Channel', source_field='first_channel_id', null=True, db_constraint=True, to_field='id', related_name='first_leads', on_delete=OnDelete.SET_NULL)),
                ('last_channel', fields.ForeignKeyField('models.Channel', source_field='last_channel_id', null=True, db_constraint=True, to_field='id', related_name='last_leads', on_delete=OnDelete.SET_NULL)),
                ('owner', fields.ForeignKeyField('models.Staff', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name='leads', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'lead', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A person in the private domain, found or created from their platform identities.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BehaviourEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.ForeignKeyField('models.Channel', source_field='channel_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharField(max_length=64)),
                ('direction', fields.CharField(max_length=8)),
                ('platform', fields.CharField(default='', max_length=16)),
                ('actor', fields.CharField(default='', max_length=128)),
                ('occurred_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'behaviour_event', 'app': 'models', 'indexes': [Index(fields=['lead_id', 'occurred_at'])], 'pk_attr': 'id', 'table_description': "One touch. The lead is empty for staff-only events. The channel is the lead's"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FaqHit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('raw_query', fields.TextField(unique=False)),
                ('normalised_query', fields.CharField(default='', max_length=500)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', null=True, db_constraint=True, to_field='id', related_name='faq_hits', on_delete=OnDelete.SET_NULL)),
                ('chat_kind', fields.CharField(default='single', max_length=8)),
                ('chat_id', fields.CharField(default='', max_length=128)),
                ('candidates', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('outcome', fields.CharField(db_index=True, max_length=8)),
                ('chosen_entry_id', fields.CharField(null=True, db_index=True, max_length=64)),
                ('score', fields.FloatField(default=0.0)),
                ('latency_ms', fields.FloatField(default=0.0)),
                ('feedback', fields.CharField(default='none', max_length=8)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'faq_hit', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One FAQ lookup: what was asked, what the matcher offered and what the bot did,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeadIdentity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='identities', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('value', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'lead_identity', 'app': 'models', 'unique_together': (('kind', 'value'),), 'pk_attr': 'id', 'table_description': 'One platform identity of a lead: external_userid, openid or unionid.'},
            bases=['Model'],
        ),
    ]
