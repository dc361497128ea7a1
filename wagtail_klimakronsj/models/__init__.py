from .applications import (  # noqa: F401
    SEAT_HOLDING,
    AbstractApplicationFormPage,
    Application,
    ApplicationFormField,
    ApplicationFormPageMixin,
    ApplicationStatus,
    Attendance,
    Role,
)
from .events import (  # noqa: F401
    AbstractEventPage,
    EventEmailText,
    EventFormat,
    EventPageMixin,
    EventSession,
    EventStatus,
    GuidingQuestion,
    SeatPolicy,
    event_page_models,
)
from .feedback import PageFeedback  # noqa: F401
from .groups import ParticipantGroup  # noqa: F401
from .municipalities import Municipality  # noqa: F401
from .notifications import Notification, NotificationKind  # noqa: F401
from .proposals import (  # noqa: F401
    AbstractProposalArchivePage,
    AbstractProposalPage,
    Actor,
    ProposalArchivePageMixin,
    ProposalPageMixin,
    Topic,
)
