"""Saison: the season planner for performing-arts venues."""
