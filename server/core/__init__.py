"""Mechanisms every workspace shares: errors, the change log, records, lists."""
