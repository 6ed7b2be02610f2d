from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_dialogs_templates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=128)),
                ('state', fields.CharField(default='scheduled', db_index=True, max_length=16)),
                ('chat_type', fields.CharField(default='single', max_length=8)),
                ('spec', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('rotation', fields.IntField(default=-1)),
                ('next_run_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.CharField(default='', max_length=96)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'push_campaign', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A push campaign as its file described it, and where it stands.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContentItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharField(max_length=16)),
                ('title', fields.CharField(max_length=128)),
                ('summary', fields.CharField(default='', max_length=512)),
                ('cover', fields.CharField(default='', max_length=512)),
                ('body', fields.TextField(default='', unique=False)),
                ('url', fields.CharField(default='', max_length=1024)),
                ('miniprogram', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('gated', fields.BooleanField(default=False)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('industry', fields.CharField(default='', max_length=64)),
                ('product_line', fields.CharField(default='', max_length=64)),
                ('owner', fields.CharField(default='', max_length=64)),
                ('valid_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'content_item', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An article, whitepaper, case study, video, event invitation, mini-program page or'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeadAttributes',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.OneToOneField('models.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='attributes', on_delete=OnDelete.CASCADE)),
                ('stage', fields.CharField(default='lead', db_index=True, max_length=16)),
                ('industry', fields.CharField(default='', db_index=True, max_length=64)),
                ('region', fields.CharField(default='', max_length=64)),
                ('company_size', fields.CharField(default='', max_length=16)),
            ],
            options={'table': 'lead_attributes', 'app': 'models', 'pk_attr': 'id', 'table_description': "What segments filter a lead on beyond tags and channels: funnel stage and the company's"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('rotation', fields.IntField(default=0)),
                ('recipient', fields.CharField(max_length=128)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', null=True, db_constraint=True, to_field='id', related_name='push_deliveries', on_delete=OnDelete.SET_NULL)),
                ('sender', fields.CharField(default='', max_length=64)),
                ('text', fields.TextField(default='', unique=False)),
                ('attachments', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('digest', fields.CharField(default='', max_length=40)),
                ('state', fields.CharField(default='planned', db_index=True, max_length=16)),
                ('reason', fields.CharField(default='', max_length=64)),
                ('batch', fields.CharField(default='', db_index=True, max_length=32)),
                ('attempts', fields.IntField(default=0)),
                ('not_before', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('msgid', fields.CharField(default='', db_index=True, max_length=64)),
                ('planned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'push_delivery', 'app': 'models', 'unique_together': (('campaign', 'recipient', 'rotation'),), 'indexes': [Index(fields=['state', 'not_before'])], 'pk_attr': 'id', 'table_description': 'One recipient of one rotation of a campaign: the outbox row. Unique per (campaign,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushTask',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('msgid', fields.CharField(unique=True, max_length=64)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='tasks', on_delete=OnDelete.CASCADE)),
                ('sender', fields.CharField(default='', max_length=64)),
                ('chat_type', fields.CharField(default='single', max_length=8)),
                ('state', fields.CharField(default='pending', db_index=True, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('checked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'push_task', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An add_msg_template task (msgid) and what its member did: pending until they confirm.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Segment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=64)),
                ('rules', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'push_segment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A saved filter over leads (the rules are a segment filter tree, see leads/segments.py).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Sequence',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=128)),
                ('spec', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharField(default='active', max_length=16)),
                ('campaign', fields.OneToOneField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='sequence', on_delete=OnDelete.CASCADE)),
                ('cursor', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'push_sequence', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An SOP: steps sent some days after an event started it for a lead, until a reply, an'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SequenceEnrollment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sequence', fields.ForeignKeyField('models.Sequence', source_field='sequence_id', db_constraint=True, to_field='id', related_name='enrollments', on_delete=OnDelete.CASCADE)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='sequence_enrollments', on_delete=OnDelete.CASCADE)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('next_step', fields.IntField(default=0)),
                ('state', fields.CharField(default='active', db_index=True, max_length=16)),
                ('reason', fields.CharField(default='', max_length=32)),
            ],
            options={'table': 'push_sequence_enrollment', 'app': 'models', 'unique_together': (('sequence', 'lead'),), 'pk_attr': 'id', 'table_description': 'One lead in one sequence: the next step and why it stopped. state: active | stopped | done.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrackedLink',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.CharField(unique=True, max_length=32)),
                ('item', fields.ForeignKeyField('models.ContentItem', source_field='item_id', db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', null=True, db_constraint=True, to_field='id', related_name='content_links', on_delete=OnDelete.SET_NULL)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.SET_NULL)),
                ('recipient', fields.CharField(default='', max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('first_opened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('opens', fields.IntField(default=0)),
                ('read_seconds', fields.IntField(default=0)),
            ],
            options={'table': 'tracked_link', 'app': 'models', 'unique_together': (('item', 'campaign', 'recipient'),), 'pk_attr': 'id', 'table_description': "One recipient's link to one item (``/c/<token>``): who opened it, when, for how long."},
            bases=['Model'],
        ),
    ]
