import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core.panels import Panel, panels_html, register_panel, unregister_panel


@pytest.fixture
def two_panels():
    register_panel(Panel("test.second", "learning.lesson", lambda request, obj: f"<b>2:{obj}</b>", order=2))
    register_panel(Panel("test.first", "learning.lesson", lambda request, obj: f"<i>1:{obj}</i>", order=1))
    register_panel(Panel("test.empty", "learning.lesson", lambda request, obj: "", order=3))
    yield
    for code in ("test.first", "test.second", "test.empty"):
        unregister_panel(code)


def test_panels_render_in_order_and_only_for_their_slot(two_panels):
    request = RequestFactory().get("/")
    assert panels_html("learning.lesson", request, "x") == "<i>1:x</i><b>2:x</b>"
    assert panels_html("publishing.article", request, "x") == ""


def test_template_tag_passes_the_request_and_object(two_panels):
    template = Template('{% load panels %}{% panels "learning.lesson" item %}')
    html = template.render(Context({"request": RequestFactory().get("/"), "item": 7}))
    assert html == "<i>1:7</i><b>2:7</b>"


def test_an_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="Unknown panel slot"):
        register_panel(Panel("test.bad", "no.such.slot", lambda request, obj: ""))
