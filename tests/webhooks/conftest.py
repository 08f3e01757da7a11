import pytest

from tests.webhooks.receiver import start_receiver


@pytest.fixture
def receiver_factory(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on 127.0.0.1
    servers = []

    def make(statuses=()):
        state, server = start_receiver(statuses)
        servers.append(server)
        return state

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()
