"""Template helper: may the user of this page do something? The same
answer as actors.permissions.may, for showing only the links that work."""

from typing import Any

from django import template

from actors.permissions import may as user_may

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, action: str, obj: Any = None) -> bool:
    """{% may "invite_users" as can_invite %}"""
    user = context.get("user")
    return user is not None and user_may(user, action, obj)
