from core.tests.helpers import registered_kinds

__all__ = ["registered_kinds"]
