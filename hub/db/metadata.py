"""Every hub table on one ``MetaData``: what migrations and schema checks compare against."""

from sqlmodel import SQLModel

from hub.audit import models as _audit
from hub.delivery import models as _delivery
from hub.identity import models as _identity
from hub.linking import models as _linking
from hub.records import models as _records
from hub.sharing import models as _sharing

MODEL_MODULES = (_identity, _records, _linking, _sharing, _delivery, _audit)
metadata = SQLModel.metadata
