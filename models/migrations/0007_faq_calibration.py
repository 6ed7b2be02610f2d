from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_surveys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='FaqHit',
            name='right_entry_id',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='FaqSettings',
            name='calibration',
            field=fields.JSONField(default=dict, db_default={}, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='FaqSettings',
            name='synonyms',
            field=fields.JSONField(default=list, db_default=[], encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
