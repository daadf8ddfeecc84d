"""User-written text as HTML: plain text escaped, or a small Markdown subset sanitised.

Markdown is parsed by markdown-it-py with raw HTML off, so a tag someone types is shown
as text; its output then goes through nh3 (the Ammonia sanitiser) with an allow-list, so a
parser bug cannot let markup through either. Images are not in the subset: the site makes
no third-party requests from its pages.
"""

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("zero", {"breaks": True}).enable(
    [
        *("paragraph", "newline", "escape", "emphasis", "backticks", "code", "fence"),
        *("link", "autolink", "list", "blockquote"),
    ]
)
_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"}


def markdown_html(text: str) -> SafeString:
    html = _MARKDOWN.render(text)
    return mark_safe(  # sanitised just below
        nh3.clean(
            html,
            tags=_TAGS,
            # "*": no attribute on every tag (Ammonia allows lang and title by default).
            attributes={"*": set(), "a": {"href"}, "ol": {"start"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow noopener ugc",
        )
    )


def plain_html(text: str) -> SafeString:
    """Paragraphs and line breaks, everything else escaped."""
    return mark_safe(linebreaks(text, autoescape=True))  # escaped by linebreaks
