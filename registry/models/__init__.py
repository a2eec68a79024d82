"""The registry's models, one module per aggregate; import them from here (`from registry.models import Business`)."""

from registry.models.audit import (  # noqa: F401
    AccessLog,
    AccessLogManager,
    DuplicateDecision,
    MergeRecord,
)
from registry.models.intake import (  # noqa: F401
    ImportBatch,
    ImportBatchQuerySet,
    ImportColumnMemory,
    RegistrationDraft,
    RegistrationDraftQuerySet,
    SubmittedForm,
    _import_path,
)
from registry.models.members import (  # noqa: F401
    Business,
    BusinessGroup,
    BusinessGroupQuerySet,
    BusinessQuerySet,
    Category,
    LiveManager,
    Owner,
    OwnerQuerySet,
    Provenance,
    SoftDeletable,
    Source,
    follow_desa,
    move_version,
)
from registry.models.parts import (  # noqa: F401
    EXPIRY_WINDOW_MONTHS,
    ExportValue,
    LegalDocument,
    LegalDocumentQuerySet,
    Product,
    ProductPhoto,
    ProductPhotoQuerySet,
    ProductQuerySet,
    YearlyFigure,
    YearlyFigureQuerySet,
    _photo_path,
    _scan_path,
    _thumbnail_path,
    months_ahead,
    rank_expression,
)
from registry.models.regions import (  # noqa: F401
    AreaAssignment,
    Desa,
    DesaQuerySet,
    Kabupaten,
    KabupatenQuerySet,
    Kecamatan,
    KecamatanQuerySet,
    Provinsi,
    area_codes,
    area_codes_seen_by,
    forget_area_codes,
    group_scoped,
    in_area_of,
)
