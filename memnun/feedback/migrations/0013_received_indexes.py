from django.db import migrations, models


class Migration(migrations.Migration):
    """The cases behind a report's figure read (received_at, id) in order: the rollup's
    index on received_at alone widens to it, and one office gets its own."""

    dependencies = [
        ('feedback', '0012_surges_and_repeat_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='feedback', name='feedback_received'),
        migrations.AddIndex(
            model_name='feedback',
            index=models.Index(fields=['received_at', 'id'], name='feedback_received'),
        ),
        migrations.AddIndex(
            model_name='feedback',
            index=models.Index(fields=['office', 'received_at', 'id'], name='feedback_office_received'),
        ),
    ]
