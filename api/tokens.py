"""A person's own API token: made, replaced and revoked by its owner, each
audited (the key itself never enters the audit trail). A token acts with
its owner's roles and nothing more; one per account, as Django REST
framework's token authentication keeps it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from nap1325.models import audit


def issue_token(user: Any) -> Token:
    """A new token for `user`, replacing the one they had."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        audit(
            "token.replace" if replaced else "token.create",
            user,
            user=user,
            after={"created": token.created.isoformat(), "begins": token.key[:4]},
        )
    return token


def revoke_token(user: Any) -> bool:
    """Scripts using the token stop working at once."""
    with transaction.atomic():
        revoked = Token.objects.filter(user=user).delete()[0] > 0
        if revoked:
            audit("token.revoke", user, user=user)
    return revoked
