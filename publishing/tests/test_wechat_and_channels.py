"""WeChat export (inline styles only) and channel rules (colours, web address, logo, who may edit)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from archive.tests import files
from core.errors import FieldErrors
from publishing.services_channels import channel_save, media_upload
from publishing.tests.helpers import make_channel, published
from publishing.wechat import wechat_html

pytestmark = pytest.mark.django_db


def test_the_wechat_export_has_inline_styles_and_no_classes_or_scripts(personas, channel):
    image = media_upload(
        actor=personas.secretary, unit=channel.unit, uploaded_file=files.upload(files.png(), "a.png")
    )
    body = (
        f'<h2>小标题</h2><p>段落<a href="https://www.gov.cn/">链接</a></p><blockquote>引用</blockquote>'
        f'<figure><img src="/channels/media/{image.public_id}/" alt="图"><figcaption>图注</figcaption></figure>'
        "<ul><li>一</li></ul><script>alert(1)</script>"
    )
    article = published(personas, channel, title="导出<测试>", body=body)

    html = wechat_html(article, base_url="https://dj.school.example/")

    assert "class=" not in html and "<script" not in html and " id=" not in html
    for tag in ("h2", "p", "blockquote", "img", "figcaption", "ul", "li", "a"):
        assert re.search(rf'<{tag}\b[^>]*style="[^"]+"', html), tag
    assert f'src="https://dj.school.example/channels/media/{image.public_id}/"' in html
    assert "导出＜测试＞" in html


def test_the_export_page_offers_the_html_to_copy_and_to_download(client, personas, channel):
    article = published(personas, channel)
    client.force_login(personas.propaganda)
    url = reverse("publishing:wechat", args=[article.pk])
    assert "<textarea" in client.get(url).content.decode()
    download = client.get(url, {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content.decode().startswith("<section")


def test_a_draft_cannot_be_exported(client, personas, channel):
    from publishing.tests.helpers import make_article

    article = make_article(personas.propaganda, channel)
    client.force_login(personas.propaganda)
    assert client.get(reverse("publishing:wechat", args=[article.pk])).status_code == 404


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "#1234567", "", "javascript:x"])
def test_a_colour_must_be_six_digit_hex(personas, tree, colour):
    with pytest.raises(FieldErrors) as refusal:
        make_channel(personas.secretary, tree.branch_a1, primary_colour=colour)
    assert "primary_colour" in refusal.value.fields


@pytest.mark.parametrize("slug", ["", "a_1", "-a1", "a1-", "media", "a/b", "x" * 61])
def test_a_web_address_must_be_a_simple_free_slug(personas, tree, slug):
    with pytest.raises(FieldErrors) as refusal:
        make_channel(personas.secretary, tree.branch_a1, slug=slug)
    assert "slug" in refusal.value.fields


def test_two_channels_cannot_share_a_web_address(personas, tree, channel):
    with pytest.raises(FieldErrors) as refusal:
        make_channel(personas.college_officer, tree.branch_a2, slug=channel.slug)
    assert "slug" in refusal.value.fields


def test_editing_a_channel_keeps_one_channel_per_unit(personas, tree, channel):
    changed = make_channel(personas.secretary, tree.branch_a1, name="新名称", slug="a1-new")
    assert (changed.pk, changed.name, changed.slug) == (channel.pk, "新名称", "a1-new")


@pytest.mark.parametrize(
    ("persona", "refusal"),
    [("student", PermissionDenied), ("propaganda", PermissionDenied), ("outsider", Http404)],
)
def test_only_channel_managers_edit_a_channel(personas, tree, persona, refusal):
    with pytest.raises(refusal):
        make_channel(getattr(personas, persona), tree.branch_a1)


def test_a_logo_must_be_an_image(personas, tree):
    with pytest.raises(FieldErrors):
        channel_save(
            actor=personas.secretary,
            unit=tree.branch_a1,
            name="甲一",
            slug="a1",
            primary_colour="#c8102e",
            accent_colour="#f5c242",
            logo_file=files.upload(b"%PDF-1.4 not an image", "logo.pdf"),
        )


def test_the_channel_logo_is_public(client, personas, tree):
    channel = make_channel(
        personas.secretary, tree.branch_a1, logo_file=files.upload(files.png(), "logo.png")
    )
    assert client.get(reverse("channels:media", args=[channel.logo.public_id])).status_code == 200
