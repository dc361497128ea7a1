from ..applications.models import (  # noqa: F401
    Application,
    ApplicationFormField,
    ApplicationFormPageData,
    Attendance,
)
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
from ..events.models import (  # noqa: F401
    EventEmailText,
    EventPageData,
    EventSession,
    GuidingQuestion,
    event_page_models,
)
from ..events.pages import AbstractEventPage, EventPageMixin  # noqa: F401
from ..feedback.models import PageFeedback  # noqa: F401
from ..groups.models import ParticipantGroup  # noqa: F401
from ..mail.models import Notification  # noqa: F401
from ..proposals.models import ProposalArchivePageData, ProposalPageData, Topic  # noqa: F401
from ..proposals.pages import (  # noqa: F401
    AbstractProposalArchivePage,
    AbstractProposalPage,
    ProposalArchivePageMixin,
    ProposalPageMixin,
)
from .municipalities import Municipality  # noqa: F401

# isort: split
# The page classes' serving halves, after the models: they import the services.
from ..applications.pages import (  # noqa: F401
    AbstractApplicationFormPage,
    ApplicationFormPageMixin,
)
