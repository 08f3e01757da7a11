from django.apps import AppConfig


class CheckinConfig(AppConfig):
    name = "billetterie.checkin"
    label = "checkin"

    def ready(self) -> None:
        # orders cannot import checkin: tell it what a ticket's QR code holds (the secret,
        # or a payload signed for offline scanning when the shop signs its codes)
        from billetterie.checkin.codes import qr_contents
        from billetterie.orders import ticket_codes

        ticket_codes.register(qr_contents)
