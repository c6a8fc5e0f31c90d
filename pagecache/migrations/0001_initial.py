"""ContentVersion moves here from the configuration package: its table and rows are kept
(adopted as they are, then renamed), on a database of an older release as on a new one."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clusterspace', '0007_linkcheck'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ContentVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveBigIntegerField(default=0, verbose_name='Version')),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='Letzte Änderung')),
                    ],
                    options={
                        'db_table': 'clusterspace_contentversion',
                        'verbose_name': 'Inhaltsstand',
                        'verbose_name_plural': 'Inhaltsstände',
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='contentversion', table=None),
    ]
