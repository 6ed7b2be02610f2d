from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_wecom_member')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DialogState',
            name='expires_at',
            field=fields.FloatField(null=True),
        ),
        ops.CreateModel(
            name='TemplateFailure',
            fields=[
                ('owner', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=128)),
                ('message', fields.TextField(unique=False)),
                ('count', fields.IntField(default=1)),
                ('last_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'template_failure', 'app': 'models', 'pk_attr': 'owner', 'table_description': 'The latest failure of a staff-written template while it was being sent (the customer got'},
            bases=['Model'],
        ),
    ]
