"""A person makes, replaces and revokes their own API token on their
account page; the key is shown once; the audit trail never holds it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from nap1325.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_person_makes_uses_replaces_and_revokes_their_token(alice: Any) -> None:
    client = Client()
    assert client.get("/en/accounts/token/").status_code == 302  # log in first
    client.force_login(alice)
    page = client.get("/en/accounts/token/").content.decode()
    assert "You have no token." in page

    made = client.post("/en/accounts/token/", {"action": "create"}).content.decode()
    key = Token.objects.get(user=alice).key
    assert key in made and "it is not shown again" in made
    later = client.get("/en/accounts/token/").content.decode()
    assert key not in later and f"beginning with {key[:4]}" in later
    script = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert script.get("/api/v1/periods/").status_code == 200  # alice's roles

    client.post("/fr/accounts/token/", {"action": "replace"})
    new = Token.objects.get(user=alice).key
    assert new != key
    assert script.get("/api/v1/periods/").status_code == 401  # the old one stops at once

    revoked = client.post("/fr/accounts/token/", {"action": "revoke"}, follow=True)
    assert "Votre jeton est révoqué" in revoked.content.decode()
    assert not Token.objects.filter(user=alice).exists()
    entries = AuditEntry.objects.filter(action__startswith="token.").order_by("pk")
    assert [e.action for e in entries] == ["token.create", "token.replace", "token.revoke"]
    assert all(key not in str(e.after) and new not in str(e.after) for e in entries)
    assert all(e.user == alice for e in entries)
