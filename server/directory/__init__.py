"""Directory workspace: who we work with and where."""
