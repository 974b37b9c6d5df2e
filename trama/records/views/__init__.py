"""Staff pages of social records. Every page goes through the access funnel (trama/records/access.py):
lists start from `households_visible_to`, one household is opened with `open_household` (audited), and
encrypted values are read only through the entitlement it issues."""
