"""The matching service: profiles, recommendations, reverse matching, Week allocation."""
