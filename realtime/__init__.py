"""Live updates: the change log pushed to every open screen, across server processes."""
