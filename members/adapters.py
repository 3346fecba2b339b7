from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Gilde is invitation-only: people join through a facilitator's invitation, never by
        # signing themselves up.
        return False
