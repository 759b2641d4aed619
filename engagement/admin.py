from engagement import (
    admin_notices,  # noqa: F401  (notices)
    admin_suggestions,  # noqa: F401  (the suggestion box)
)
