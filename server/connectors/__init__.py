"""Connectors: named exports of the season for ticketing and payroll tools (issue 15, point 4).

A connector chooses records, filters, a column mapping, the date format the target reads and
a file format; it is produced on demand (download) or on a schedule, pushed by a signed POST.
"""
