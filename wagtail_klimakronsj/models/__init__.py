from ..choices import (  # noqa: F401
    SEAT_HOLDING,
    Actor,
    ApplicationStatus,
    EventFormat,
    EventStatus,
    NotificationKind,
    NotificationStatus,
    Role,
    SeatPolicy,
)
from .applications import (  # noqa: F401
    AbstractApplicationFormPage,
    Application,
    ApplicationFormField,
    ApplicationFormPageMixin,
    Attendance,
)
from .events import (  # noqa: F401
    AbstractEventPage,
    EventEmailText,
    EventPageMixin,
    EventSession,
    GuidingQuestion,
    event_page_models,
)
from .feedback import PageFeedback  # noqa: F401
from .groups import ParticipantGroup  # noqa: F401
from .municipalities import Municipality  # noqa: F401
from .notifications import Notification  # noqa: F401
from .proposals import (  # noqa: F401
    AbstractProposalArchivePage,
    AbstractProposalPage,
    ProposalArchivePageMixin,
    ProposalPageMixin,
    Topic,
)
