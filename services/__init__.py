"""SocialErasmus Match services: catalogue, matching, notify, and their shared runtime."""
