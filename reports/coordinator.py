"""The coordinator's dashboard: their kecamatan's members, what is missing, and what became of their work."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from programs import measures as program_measures
from programs.models import CurationSubmission, Enrollment, Inquiry, Training
from registry import measures
from registry.models import Business, Kecamatan
from reports.figures import Figure, list_url


class CoordinatorWorklist:
    def __init__(self, request):
        self.user = request.user
        self.today = timezone.localdate()
        # The last whole year: a year's sales are known once it has ended, so members are asked for last year's
        # figures (the import and the yearly figures' form offer the same year). In December the current year
        # counted every member as missing.
        self.year = self.today.year - 1
        self.businesses = Business.objects.visible_to(self.user)

    @cached_property
    def kecamatan(self):
        return list(Kecamatan.objects.visible_to(self.user).select_related("kabupaten").order_by("name"))

    def members(self):
        counts = self.businesses.aggregate(
            total=Count("pk"),
            verified=Count("pk", filter=Q(verification=Business.Verification.VERIFIED)),
            pending=Count("pk", filter=Q(verification=Business.Verification.PENDING)),
            rejected=Count("pk", filter=Q(verification=Business.Verification.REJECTED)),
        )
        url = "registry:business_list"
        return [
            Figure(_("Anggota terdaftar"), counts["total"], list_url(url, {})),
            Figure(_("Terverifikasi"), counts["verified"], list_url(url, {"verification": "terverifikasi"})),
            Figure(_("Menunggu verifikasi"), counts["pending"], list_url(url, {"verification": "menunggu"})),
            Figure(_("Ditolak, perlu diperbaiki"), counts["rejected"], list_url(url, {"verification": "ditolak"})),
        ]

    def missing(self):
        """What members still lack, each a count and the list of those members."""
        conditions = {
            "no_nib": measures.lacks_document("nib"),
            "no_photo": measures.lacks_photo(),
            "expired": measures.document_expired(self.today),
            "no_figures": measures.lacks_figures_for(self.year),
            "halal_due": measures.halal_due(self.today),
        }
        counts = self.businesses.aggregate(**{key: Count("pk", filter=q) for key, q in conditions.items()})
        url = "registry:business_list"
        return [
            Figure(_("Belum punya NIB"), counts["no_nib"], list_url(url, {"document": "no_nib"})),
            Figure(_("Belum ada foto produk"), counts["no_photo"], list_url(url, {"no_photo": "true"})),
            Figure(_("Dokumen kedaluwarsa"), counts["expired"], list_url(url, {"expired": "true"})),
            Figure(
                _("Belum ada data tahun %(year)s") % {"year": self.year},
                counts["no_figures"],
                list_url(url, {"no_figures_year": self.year}),
            ),
            Figure(_("Wajib halal, belum bersertifikat"), counts["halal_due"], list_url(url, {"halal_due": "true"})),
        ]

    def upcoming_trainings(self):
        """Trainings not yet over that are open to the whole kabupaten or aimed at one of the user's kecamatan."""
        mine = [row.pk for row in self.kecamatan]
        return (
            Training.objects.visible_to(self.user)
            .filter(end_on__gte=self.today)
            .filter(Q(target_kecamatan__isnull=True) | Q(target_kecamatan__in=mine))
            .with_seats_taken()
            .order_by("start_on", "pk")
            .distinct()[:10]
        )

    def nominations(self):
        mine = {"nominated_by_me": "true"}
        counts = (
            Enrollment.objects.visible_to(self.user)
            .filter(nominated_by=self.user)
            .aggregate(
                total=Count("pk"),
                waiting=Count("pk", filter=Q(status=Enrollment.Status.NOMINATED)),
                confirmed=Count("pk", filter=Q(status=Enrollment.Status.CONFIRMED)),
                declined=Count("pk", filter=Q(status=Enrollment.Status.DECLINED)),
                completed=Count("pk", filter=program_measures.completed()),
            )
        )
        url = "programs:enrollment_list"
        return [
            Figure(_("Nominasi saya"), counts["total"], list_url(url, mine)),
            Figure(
                _("Menunggu keputusan dinas"), counts["waiting"], list_url(url, {**mine, "status": "dinominasikan"})
            ),
            Figure(_("Dikonfirmasi"), counts["confirmed"], list_url(url, {**mine, "status": "dikonfirmasi"})),
            Figure(_("Tidak diterima"), counts["declined"], list_url(url, {**mine, "status": "ditolak"})),
            Figure(_("Lulus"), counts["completed"], list_url(url, {**mine, "completed": "true"})),
        ]

    def submissions(self):
        mine = {"submitted_by_me": "true"}
        decisions = CurationSubmission.Decision
        counts = (
            CurationSubmission.objects.visible_to(self.user)
            .filter(submitted_by=self.user)
            .aggregate(
                total=Count("pk"),
                **{value: Count("pk", filter=Q(decision=value)) for value in decisions.values},
                placed=Count("pk", filter=program_measures.placed()),
            )
        )
        url = "programs:curationsubmission_list"
        return [
            Figure(_("Ajuan kurasi saya"), counts["total"], list_url(url, mine)),
            *[
                Figure(label, counts[value], list_url(url, {**mine, "decision": value}))
                for value, label in decisions.choices
            ],
            Figure(_("Ditempatkan di mitra"), counts["placed"], list_url(url, {**mine, "placed": "true"})),
        ]

    def inquiries(self):
        """Buyers' inquiries of the area: the new ones waiting for a first contact, and those still open."""
        counts = Inquiry.objects.visible_to(self.user).aggregate(
            new=Count("pk", filter=Q(status=Inquiry.Status.NEW)),
            open=Count("pk", filter=~Q(status__in=[Inquiry.Status.PLACEMENT, Inquiry.Status.CLOSED])),
        )
        url = "programs:inquiry_list"
        return [
            Figure(_("Permintaan pembeli baru"), counts["new"], list_url(url, {"status": Inquiry.Status.NEW})),
            Figure(_("Permintaan masih terbuka"), counts["open"], list_url(url, {})),
        ]
