from django.db import migrations
from django.db.models import F, OuterRef, Subquery

PLACEMENT_CHANNELS = ["ritel_modern", "oleh_oleh", "marketplace", "horeka", "ekspor"]


def channel_from_call(apps, schema_editor):
    """A placement made before channels were recorded takes its curation call's channel (an e-catalogue call
    is "lainnya"), and its partner as the retailer's name."""
    Placement = apps.get_model("programs", "Placement")
    CurationSubmission = apps.get_model("programs", "CurationSubmission")
    call_channel = CurationSubmission.objects.filter(pk=OuterRef("submission")).values("call__channel")[:1]
    Placement.objects.filter(retailer="").update(retailer=F("partner"))
    Placement.objects.update(channel=Subquery(call_channel))
    Placement.objects.exclude(channel__in=PLACEMENT_CHANNELS).update(channel="lainnya")


class Migration(migrations.Migration):
    dependencies = [("programs", "0013_placement_channel_and_retailer")]

    operations = [migrations.RunPython(channel_from_call, migrations.RunPython.noop)]
