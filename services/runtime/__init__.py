"""Runtime shared by every service: settings, logs, gRPC server, events, outbox, local stack."""
