"""LinkCheck moves here from the configuration package: its table and rows are kept
(adopted as they are, then renamed), on a database of an older release as on a new one."""

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
                    name='LinkCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('url', models.CharField(max_length=2000, verbose_name='Adresse')),
                        ('state', models.CharField(choices=[('working', 'erreichbar'), ('moved', 'dauerhaft umgezogen'), ('broken', 'defekt'), ('unreachable', 'nicht erreichbar'), ('uncheckable', 'nicht prüfbar')], max_length=20, verbose_name='Zustand')),
                        ('status', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='HTTP-Status')),
                        ('redirects', models.JSONField(blank=True, default=list, help_text='Jede Weiterleitung mit ihrem Status und der Adresse, zu der sie führt.', verbose_name='Weiterleitungen')),
                        ('new_url', models.CharField(blank=True, help_text='Ziel einer dauerhaften Weiterleitung (301 oder 308).', max_length=2000, verbose_name='Neue Adresse')),
                        ('error', models.CharField(blank=True, max_length=300, verbose_name='Fehler')),
                        ('checked_at', models.DateTimeField(verbose_name='Zuletzt geprüft')),
                        ('last_ok', models.DateTimeField(blank=True, null=True, verbose_name='Zuletzt erreichbar')),
                    ],
                    options={
                        'db_table': 'clusterspace_linkcheck',
                        'verbose_name': 'Linkprüfung',
                        'verbose_name_plural': 'Linkprüfungen',
                        'ordering': ['url'],
                        'constraints': [models.UniqueConstraint(fields=('url',), name='linkcheck_unique_url')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='linkcheck', table=None),
    ]
