"""The change log read back: audit trail, per-record history, changes feed."""
