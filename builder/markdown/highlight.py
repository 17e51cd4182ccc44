"""Code highlighting with Pygments; unknown languages are shown plain, never an error."""

from __future__ import annotations

from html import escape


def highlight_code(code: str, language: str, attrs: str) -> str:
    """HTML for a fenced code block; markdown-it uses it as-is because it starts with <pre."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    language = (language or "").strip().split(maxsplit=1)[0] if language else ""
    if language:
        try:
            lexer = get_lexer_by_name(language)
        except ClassNotFound:
            lexer = None
        if lexer is not None:
            body = highlight(code, lexer, HtmlFormatter(nowrap=True))
            return f'<pre class="highlight"><code class="language-{escape(language)}">{body}</code></pre>\n'
    css = f' class="language-{escape(language)}"' if language else ""
    return f'<pre class="highlight"><code{css}>{escape(code)}</code></pre>\n'
