"""OpenDataLicence moves here from the configuration package: its table and rows are kept
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
                    name='OpenDataLicence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(default='CC BY 4.0', help_text='Kurzname der Lizenz, etwa „CC BY 4.0“ oder „CC0 1.0“.', max_length=100, verbose_name='Lizenz')),
                        ('url', models.URLField(default='https://creativecommons.org/licenses/by/4.0/', help_text='Der vollständige Lizenztext, etwa auf creativecommons.org.', verbose_name='Adresse des Lizenztexts')),
                        ('attribution', models.TextField(blank=True, help_text='Erscheint auf der Seite „Offene Daten“ und in der JSON-Datei, etwa: „Quelle: Projektarchiv der Professur für Organisationstheorie, HSU Hamburg“.', verbose_name='Hinweis zur Namensnennung')),
                        ('attribution_de', models.TextField(blank=True, help_text='Erscheint auf der Seite „Offene Daten“ und in der JSON-Datei, etwa: „Quelle: Projektarchiv der Professur für Organisationstheorie, HSU Hamburg“.', null=True, verbose_name='Hinweis zur Namensnennung')),
                        ('attribution_en', models.TextField(blank=True, help_text='Erscheint auf der Seite „Offene Daten“ und in der JSON-Datei, etwa: „Quelle: Projektarchiv der Professur für Organisationstheorie, HSU Hamburg“.', null=True, verbose_name='Hinweis zur Namensnennung')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='Letzte Änderung')),
                    ],
                    options={
                        'db_table': 'clusterspace_opendatalicence',
                        'verbose_name': 'Lizenz der offenen Daten',
                        'verbose_name_plural': 'Lizenz der offenen Daten',
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='opendatalicence', table=None),
    ]
