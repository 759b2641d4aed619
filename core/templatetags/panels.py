"""``{% panels "slot" obj %}``: the panels other apps registered for this place (core.panels)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from core.panels import panels_html

register = template.Library()


@register.simple_tag(takes_context=True, name="panels")
def panels_tag(context: template.Context, slot: str, obj: Any) -> SafeString:
    return panels_html(slot, context["request"], obj)
