"""Stop words are looked up with their accents (trama/directory/search/text.py): "Faro", "Sara" and the like,
dropped before as the unaccented "farò", "sarà", are indexed now. Both search indexes are refilled."""

from importlib import import_module

from django.db import migrations


def _refill(apps, schema_editor):
    # The same filling as the migration that created the index (it writes through the current text module).
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        import_module("trama.directory.migrations.0003_search_index")._fill(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_language_code_name_index")]

    operations = [migrations.RunPython(_refill, migrations.RunPython.noop)]
