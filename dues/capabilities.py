"""Capabilities of party dues (党费)."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

VIEW_DUES = register(
    "dues.view_dues", _("See the unit's members' dues: paid up to, months in arrears, amount owed; export it")
)
RECORD_PAYMENTS = register(
    "dues.record_payments",
    _("Set members' monthly dues and record dues payments and their corrections"),
)
