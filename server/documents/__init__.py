"""Documents compiled with Typst: road sheets, welcome sheets, contracts, activity reports."""
