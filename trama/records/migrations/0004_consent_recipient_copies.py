"""Consent recipients carry copies of their consent's household and dates, so the funnel lists the households
shared with an organisation from one index instead of joining every consent naming it."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_consents(apps, schema_editor):
    recipient = apps.get_model("records", "ConsentRecipient")
    consent = apps.get_model("records", "Consent")
    same = consent.objects.filter(pk=OuterRef("consent_id"))
    # A queryset update (the model's own update is refused: recipients are history rows).
    models.QuerySet(model=recipient, using=schema_editor.connection.alias).update(
        household_id=Subquery(same.values("household_id")[:1]),
        given_on=Subquery(same.values("given_on")[:1]),
        expires_on=Subquery(same.values("expires_on")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0003_notification_kinds_for_referrals'),
    ]

    operations = [
        migrations.AddField(
            model_name='consentrecipient',
            name='household',
            field=models.ForeignKey(editable=False, null=True, on_delete=models.deletion.PROTECT, related_name='+',
                                    to='records.household', verbose_name='nucleo'),
        ),
        migrations.AddField(
            model_name='consentrecipient',
            name='given_on',
            field=models.DateField(editable=False, null=True, verbose_name='dato il'),
        ),
        migrations.AddField(
            model_name='consentrecipient',
            name='expires_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='scade il'),
        ),
        migrations.RunPython(copy_from_consents, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='consentrecipient',
            name='household',
            field=models.ForeignKey(editable=False, on_delete=models.deletion.PROTECT, related_name='+',
                                    to='records.household', verbose_name='nucleo'),
        ),
        migrations.AlterField(
            model_name='consentrecipient',
            name='given_on',
            field=models.DateField(editable=False, verbose_name='dato il'),
        ),
        migrations.RemoveIndex(model_name='consentrecipient', name='records_crecip_org'),
        migrations.RemoveIndex(model_name='consentrecipient', name='records_crecip_net'),
        migrations.AddIndex(
            model_name='consentrecipient',
            index=models.Index(condition=models.Q(('organisation__isnull', False)),
                               fields=['organisation', 'given_on', 'expires_on', 'household', 'consent'],
                               name='records_crecip_org_hh'),
        ),
        migrations.AddIndex(
            model_name='consentrecipient',
            index=models.Index(condition=models.Q(('network__isnull', False)),
                               fields=['network', 'given_on', 'expires_on', 'household', 'consent'],
                               name='records_crecip_net_hh'),
        ),
        migrations.AddIndex(
            model_name='consent',
            index=models.Index(condition=models.Q(('withdrawn_at__isnull', False)), fields=['id', 'withdrawn_at'],
                               name='records_consent_withdrawn'),
        ),
    ]
