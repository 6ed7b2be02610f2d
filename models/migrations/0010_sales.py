"""Lead scores and stages with their history, scoring rule versions, sales reps, MQL hand-offs,
CRM deals; the fit facts on the lead profile (issue 12)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_faq_embeddings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Deal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('external_id', fields.CharField(unique=True, max_length=64)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='deals', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.CrmAccount', source_field='account_id', null=True, db_constraint=True, to_field='id', related_name='deals', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(default='', max_length=255)),
                ('amount', fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ('status', fields.CharField(default='open', db_index=True, max_length=8)),
                ('close_date', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'deal', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An opportunity or deal from the CRM (the source of truth), matched to a lead and its'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Handoff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='handoffs', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharField(default='waiting', db_index=True, max_length=16)),
                ('why', fields.CharField(default='', max_length=255)),
                ('rep_userid', fields.CharField(default='', db_index=True, max_length=64)),
                ('assigned_why', fields.CharField(default='', max_length=64)),
                ('response_code', fields.CharField(default='', max_length=128)),
                ('task_id', fields.CharField(default='', db_index=True, max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('offered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_by', fields.CharField(default='', max_length=64)),
                ('reject_reason', fields.CharField(default='', max_length=255)),
            ],
            options={'table': 'handoff', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An MQL handed to a sales rep: the template card they got, their answer and the SLA.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeadScore',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.OneToOneField('models.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='standing', on_delete=OnDelete.CASCADE)),
                ('engagement', fields.FloatField(default=0)),
                ('fit', fields.FloatField(default=0)),
                ('total', fields.FloatField(default=0, db_index=True)),
                ('grade', fields.CharField(default='D4', db_index=True, max_length=2)),
                ('state', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('rules_version', fields.IntField(default=0)),
                ('stage', fields.CharField(default='new', db_index=True, max_length=16)),
                ('stage_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('mql_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lead_score', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Where a lead stands: its score, kept up to date one event at a time, its grade and'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SalesRep',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('userid', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(default='', max_length=64)),
                ('regions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('industries', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('capacity', fields.IntField(default=50)),
                ('manager_userid', fields.CharField(default='', max_length=64)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'sales_rep', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A WeCom member who takes MQLs: the regions and industries they cover, how many open'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScoringRuleSet',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(unique=True)),
                ('source', fields.TextField(unique=False)),
                ('author', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rescore_total', fields.IntField(default=0)),
                ('rescore_done', fields.IntField(default=0)),
                ('rescored_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'scoring_rule_set', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One version of the scoring rules, as written (YAML), and the progress of the rescore'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StageChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='stage_changes', on_delete=OnDelete.CASCADE)),
                ('from_stage', fields.CharField(max_length=16)),
                ('to_stage', fields.CharField(db_index=True, max_length=16)),
                ('by', fields.CharField(default='', max_length=64)),
                ('reason', fields.CharField(default='', max_length=255)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'stage_change', 'app': 'models', 'indexes': [Index(fields=['lead_id', 'at'])], 'pk_attr': 'id', 'table_description': 'One move of a lead between lifecycle stages: who or what moved it, and why.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='LeadProfile',
            name='company_size',
            field=fields.CharField(default='', db_default='', max_length=32),
        ),
        ops.AddField(
            model_name='LeadProfile',
            name='industry',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='LeadProfile',
            name='region',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
    ]
