"""Reading a shop's webhooks, always through the shop (ORG-3)."""

import json

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from billetterie.webhooks.models import WebhookDelivery, WebhookEndpoint

RECENT = 100


def endpoints_of_shop(shop):
    return WebhookEndpoint.objects.filter(shop=shop).annotate(
        failing=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.FAILED)),
        waiting=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.PENDING)),
    )


def endpoint_of_shop(shop, endpoint_id) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects.filter(shop=shop), pk=endpoint_id)


def recent_deliveries(endpoint):
    return endpoint.deliveries.order_by("-created_at", "-id")[:RECENT]


def pretty_payload(delivery) -> str:
    return json.dumps(delivery.payload, indent=2, ensure_ascii=False)
