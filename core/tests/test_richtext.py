import pytest

from core.richtext import plain_text, sanitize_html

XSS_CORPUS = [
    "<script>alert(1)</script>",
    '<img src="/x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    '<iframe src="https://example.com"></iframe>',
    '<object data="x.swf"></object>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<body onload="alert(1)">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<p onclick="alert(1)">x</p>',
    "<<script>script>alert(1)<</script>/script>",
    '<form action="/x"><input name="a"></form>',
]


@pytest.mark.parametrize("dirty", XSS_CORPUS)
def test_it_removes_everything_that_could_run(dirty: str) -> None:
    clean = sanitize_html(dirty).lower()
    for danger in ("<script", "onerror", "onload", "onclick", "javascript:", "<svg", "style=", "<iframe",
                   "<object", "data:text", "<form", "<input", "expression("):  # fmt: skip
        assert danger not in clean


def test_it_keeps_the_structure_an_author_needs() -> None:
    html = (
        "<h2>标题</h2><p>一段<strong>加粗</strong>和<em>强调</em></p><ul><li>一</li></ul>"
        '<blockquote>引用</blockquote><figure><img src="/files/1/" alt="图"><figcaption>图注</figcaption></figure>'
        '<p><a href="https://www.gov.cn/">链接</a></p>'
    )
    clean = sanitize_html(html)
    for kept in ("<h2>", "<strong>", "<em>", "<ul><li>", "<blockquote>", '<img src="/files/1/" alt="图">',
                 "<figcaption>", 'href="https://www.gov.cn/"', 'rel="noopener noreferrer nofollow"'):  # fmt: skip
        assert kept in clean


def test_it_refuses_images_from_other_servers() -> None:
    assert "src" not in sanitize_html('<img src="https://tracker.example/p.gif">')
    assert "src" not in sanitize_html('<img src="//tracker.example/p.gif">')


def test_it_cleans_pasted_word_and_wechat_markup() -> None:
    pasted = (
        "<html><head><style>p{color:red}</style><title>doc</title></head><body>"
        '<p class="MsoNormal" style="margin:0"><span style="font-family:宋体">正文</span></p>'
        '<!--[if gte mso 9]><xml>junk</xml><![endif]--><p>&nbsp;</p><section data-tools="135">内容</section>'
    )
    clean = sanitize_html(pasted)
    assert clean == "<p>正文</p>内容"


def test_plain_text_reads_the_words_only() -> None:
    assert plain_text("<p>一&amp;二</p><p>三<script>x</script></p>") == "一&二 三"
