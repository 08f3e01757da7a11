"""Guest manager: contacts, lists, invitations, guests, RSVPs, credits."""
