import secrets

from django.db import migrations

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def give_codes(apps, schema_editor):
    """Every participant who already completed gets a verification code, as complete_enrollment gives one."""
    Enrollment = apps.get_model("programs", "Enrollment")
    for enrollment in Enrollment.objects.filter(completed_at__isnull=False, certificate_code="").only("pk"):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
        enrollment.certificate_code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        enrollment.save(update_fields=["certificate_code"])


class Migration(migrations.Migration):
    dependencies = [("programs", "0011_reschedule_cancel_signatory_certificate_code")]

    operations = [migrations.RunPython(give_codes, migrations.RunPython.noop)]
