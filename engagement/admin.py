from engagement import admin_suggestions  # noqa: F401  (the suggestion box)
