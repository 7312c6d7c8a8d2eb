"""Calls spread over every replica of a service, and replicas found again as they change.

A gRPC channel sends all its calls over one long-lived HTTP/2 connection. Behind a
Kubernetes ClusterIP, kube-proxy picks one pod when that connection opens, so every call of
a client (the edge, the web app) would go to that one pod for as long as the connection
lives, however many replicas run. So clients resolve a service's name to all of its
replicas (a headless Service gives one DNS record per ready pod; a static list is
``ipv4:10.0.0.1:50052,10.0.0.2:50052``) and send calls to each in turn; a name with one
address works as before. Servers close each connection after CONNECTION_AGE_MS, letting the
calls in flight finish, so that clients resolve the name again and find replicas started
since.
"""

from __future__ import annotations

import json

__all__ = ["CONNECTION_AGE_MS", "ROUND_ROBIN", "SERVER_OPTIONS"]

ROUND_ROBIN = (
    "grpc.service_config",
    json.dumps({"loadBalancingConfig": [{"round_robin": {}}]}),
)
"""The client channel option that sends calls to every address of the target in turn
(gRPC's default, pick_first, sends them all to the first that answers)."""

CONNECTION_AGE_MS = 5 * 60 * 1000
"""How long a server keeps a client's connection before asking it to reconnect (GOAWAY);
the calls in flight then, streams included, carry on to their end."""

SERVER_OPTIONS = (("grpc.max_connection_age_ms", CONNECTION_AGE_MS),)
"""Server options that make clients reconnect, and so resolve replicas again, now and then.
gRPC spreads the age by up to 10% so that clients do not all reconnect at once."""
