"""People and what they may do: users, teams, permissions, sessions, tokens."""
