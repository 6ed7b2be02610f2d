from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_pushes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Survey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=64)),
                ('title', fields.CharField(max_length=256)),
                ('source', fields.TextField(unique=False)),
                ('keywords', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('archived', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'survey', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A survey definition, identified by the key in its file, with the YAML as imported.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyWave',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('models.Survey', source_field='survey_id', db_constraint=True, to_field='id', related_name='waves', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=64)),
                ('opens_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('quota', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'survey_wave', 'app': 'models', 'unique_together': (('survey', 'name'),), 'pk_attr': 'id', 'table_description': 'One run of a survey (e.g. the 2026 NPS): its own time window, quota and responses.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyResponse',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('models.Survey', source_field='survey_id', db_constraint=True, to_field='id', related_name='responses', on_delete=OnDelete.CASCADE)),
                ('wave', fields.ForeignKeyField('models.SurveyWave', source_field='wave_id', db_constraint=True, to_field='id', related_name='responses', on_delete=OnDelete.CASCADE)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', null=True, db_constraint=True, to_field='id', related_name='survey_responses', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharField(default='in_progress', db_index=True, max_length=16)),
                ('answers', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('current', fields.CharField(default='', max_length=64)),
                ('source', fields.CharField(default='chat', max_length=16)),
                ('platform', fields.CharField(default='', max_length=16)),
                ('user_key', fields.CharField(default='', max_length=255)),
                ('recipient', fields.CharField(default='', max_length=128)),
                ('open_kfid', fields.CharField(default='', max_length=64)),
                ('channel_id', fields.IntField(null=True)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_response', 'app': 'models', 'unique_together': (('wave', 'lead'),), 'pk_attr': 'id', 'table_description': 'The answers of one person to one wave (a lead answers a wave once). Status is'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyLeadUpdate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.ForeignKeyField('models.Lead', source_field='lead_id', db_constraint=True, to_field='id', related_name='survey_updates', on_delete=OnDelete.CASCADE)),
                ('response', fields.ForeignKeyField('models.SurveyResponse', source_field='response_id', db_constraint=True, to_field='id', related_name='lead_updates', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('name', fields.CharField(max_length=64)),
                ('value', fields.CharField(default='', max_length=256)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_lead_update', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A tag or profile field an answer set on a lead, so the lead page shows which survey'},
            bases=['Model'],
        ),
    ]
