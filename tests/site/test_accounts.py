"""Accounts: login throttling, password reset by e-mail, strong passwords."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_lockouts(db: Any) -> None:
    from axes.utils import reset

    reset()


def test_repeated_wrong_passwords_lock_the_account(client: Client) -> None:
    User.objects.create_user("dora", password="dora-long-pass-phrase-4")
    for _attempt in range(4):
        response = client.post("/en/accounts/login/", {"username": "dora", "password": "wrong"})
        assert response.status_code == 200
    locked = client.post("/en/accounts/login/", {"username": "dora", "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    right = client.post(
        "/en/accounts/login/", {"username": "dora", "password": "dora-long-pass-phrase-4"}
    )
    assert right.status_code == 429, "even the right password waits out the lockout"


def test_password_reset_by_email(client: Client) -> None:
    user = User.objects.create_user(
        "emma", email="emma@example.org", password="emma-old-pass-phrase-5"
    )
    response = client.post("/fr/accounts/password/reset/", {"email": "emma@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/fr/accounts/password/reset/\S+/)", str(mail.outbox[0].body)
    )
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    weak = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200  # refused: too short, too common, only digits
    strong = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "emma-new-pass-phrase-6", "new_password2": "emma-new-pass-phrase-6"},
    )
    assert strong.status_code == 302
    user.refresh_from_db()
    assert user.check_password("emma-new-pass-phrase-6")


def test_login_page_offers_the_reset(client: Client) -> None:
    assert "/en/accounts/password/reset/" in client.get("/en/accounts/login/").content.decode()
