"""Importing a venue's spreadsheets (issue 15, point 5): contacts, shows, engagements and
performances, checked line by line, then written all at once through the domain services."""
