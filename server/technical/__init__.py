"""Technical workspace: venues, rooms, configurations, technical sheets."""
