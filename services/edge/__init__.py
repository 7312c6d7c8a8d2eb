"""The HTTP edge: every public RPC of the three services as JSON over HTTP (the Connect
protocol), forwarded to their gRPC ports, with CORS, health and the OpenAPI document."""
