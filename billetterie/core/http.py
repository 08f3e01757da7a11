"""Small request helpers shared by the surfaces."""


def client_ip(request) -> str:
    """The client's address as seen by the app (the proxy sets REMOTE_ADDR via its config)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
