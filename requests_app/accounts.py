"""allauth, adapted to the campaign: the client's address behind a proxy, and failed logins
that cannot lock a volunteer out."""

from allauth.account.adapter import DefaultAccountAdapter

from .ratelimit import client_address


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The address our own limits use (TRUSTED_PROXY_COUNT), for every allauth limit."""
        return client_address(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts failed logins per address ("10/m/ip") and per this key (5 in 5
        # minutes). Its key is the e-mail alone, so five wrong passwords from anywhere would
        # lock the volunteer out everywhere; with the address in it, a guesser only locks
        # themselves out. (A hook of allauth 65, pinned in pyproject.toml.)
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_address(request)}"
