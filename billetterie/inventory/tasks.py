from datetime import timedelta

from django.tasks import task

from billetterie.core import periodic
from billetterie.inventory import services


@task()
def release_expired_holds() -> int:
    """Put the places of abandoned carts back on sale."""
    return services.release_expired()


periodic.register(release_expired_holds, every=timedelta(seconds=30))
