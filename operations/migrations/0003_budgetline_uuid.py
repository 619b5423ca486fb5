"""Budget lines get a uuid, so that the API names the line a spending
figure is reported against (in three steps: existing rows get their own)."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    BudgetLine = apps.get_model("operations", "BudgetLine")
    lines = list(BudgetLine.objects.only("pk"))
    for line in lines:
        line.uuid = uuid.uuid4()
    BudgetLine.objects.bulk_update(lines, ["uuid"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("operations", "0002_activityversion_source_document_and_more")]

    operations = [
        migrations.AddField(
            model_name="budgetline", name="uuid", field=models.UUIDField(null=True, editable=False)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="budgetline",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
