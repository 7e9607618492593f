"""Programming workspace: shows, engagements (options, confirmations), performances."""
