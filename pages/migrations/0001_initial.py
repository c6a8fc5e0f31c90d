"""Page moves here from the configuration package: its table and rows are kept
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
                    name='Page',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(choices=[('impressum', 'Impressum'), ('datenschutz', 'Datenschutzerklärung'), ('barrierefreiheit', 'Erklärung zur Barrierefreiheit'), ('leichte-sprache', 'Leichte Sprache')], help_text='Welche Pflichtseite dies ist; die Fußzeile jeder Seite verlinkt sie.', max_length=30, unique=True, verbose_name='Seite')),
                        ('title', models.CharField(max_length=200, verbose_name='Titel')),
                        ('title_de', models.CharField(max_length=200, null=True, verbose_name='Titel')),
                        ('title_en', models.CharField(max_length=200, null=True, verbose_name='Titel')),
                        ('body', models.TextField(help_text='Absätze durch eine Leerzeile trennen. Eine Zeile mit „## “ am Anfang wird eine Zwischenüberschrift, Zeilen mit „- “ am Anfang eine Aufzählung. Web- und E-Mail-Adressen werden zu Links. Unbekanntes als „[Platzhalter: …]“ markieren. Kein HTML.', verbose_name='Text')),
                        ('body_de', models.TextField(help_text='Absätze durch eine Leerzeile trennen. Eine Zeile mit „## “ am Anfang wird eine Zwischenüberschrift, Zeilen mit „- “ am Anfang eine Aufzählung. Web- und E-Mail-Adressen werden zu Links. Unbekanntes als „[Platzhalter: …]“ markieren. Kein HTML.', null=True, verbose_name='Text')),
                        ('body_en', models.TextField(help_text='Absätze durch eine Leerzeile trennen. Eine Zeile mit „## “ am Anfang wird eine Zwischenüberschrift, Zeilen mit „- “ am Anfang eine Aufzählung. Web- und E-Mail-Adressen werden zu Links. Unbekanntes als „[Platzhalter: …]“ markieren. Kein HTML.', null=True, verbose_name='Text')),
                        ('published', models.BooleanField(default=True, help_text='Impressum, Datenschutzerklärung und Erklärung zur Barrierefreiheit sind Pflicht: die Fußzeile verlinkt sie immer.', verbose_name='veröffentlicht')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='Letzte Änderung')),
                    ],
                    options={
                        'db_table': 'clusterspace_page',
                        'verbose_name': 'Pflichtseite',
                        'verbose_name_plural': 'Pflichtseiten',
                        'ordering': ['slug'],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='page', table=None),
    ]
