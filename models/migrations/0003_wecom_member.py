from tortoise import migrations
from tortoise.migrations import operations as ops


class RenameModelKeepingTable(ops.RenameModel):
    """Rename a model whose table keeps its name. (RenameModel renames a table that is named
    like the old model, ``staff`` here, although the model names its table explicitly.)"""

    def state_forward(self, app_label, state) -> None:
        table = state.models[(app_label, self.old_name)].table
        super().state_forward(app_label, state)
        renamed = state.models[(app_label, self.new_name)]
        renamed.table = renamed.options["table"] = table
        state.reload_model(app_label, self.new_name)


class Migration(migrations.Migration):
    """The WeCom member model is named for what it is; its table stays ``staff``."""

    dependencies = [('models', '0002_features')]

    initial = False

    operations = [
        RenameModelKeepingTable(old_name='Staff', new_name='WeComMember'),
    ]
