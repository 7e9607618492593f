"""Search across workspaces: one box that finds shows, engagements, people, rooms…"""
