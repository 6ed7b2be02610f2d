from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_faq_calibration')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FaqEmbedding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry_id', fields.CharField(db_index=True, max_length=64)),
                ('phrasing_hash', fields.CharField(max_length=32)),
                ('model_id', fields.CharField(max_length=128)),
                ('vector', fields.BinaryField()),
            ],
            options={'table': 'faq_embedding', 'app': 'models', 'unique_together': (('entry_id', 'phrasing_hash', 'model_id'),), 'pk_attr': 'id', 'table_description': "A phrasing's sentence embedding (the optional semantic scorer), kept so a restart does"},
            bases=['Model'],
        ),
    ]
