from django.db import migrations


def load(apps, schema_editor):
    from trama.directory import taxonomies

    taxonomies.load(apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
