from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """The WeCom member model is named for what it is (the table stays ``staff``)."""

    dependencies = [('models', '0002_features')]

    initial = False

    operations = [
        ops.RenameModel(old_name='Staff', new_name='WeComMember'),
    ]
