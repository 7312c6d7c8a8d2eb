"""The web app: pages for students and section coordinators, in front of the three services.

It calls catalogue, matching and notify through their gRPC APIs only (``services.client``),
never their code: for a signed-in student with the app's own platform token, for a
coordinator with the coordinator's token, so the services decide what each may do.
"""
