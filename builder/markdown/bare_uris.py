"""Bare URIs and e-mail addresses become links where pandoc's `autolink_bare_uris` makes them.

Pandoc's Markdown reader tries a bare link at the start of each of its inline tokens, that is
after a space, a punctuation mark or a markup character, never inside a word (`foo.http://x`
and `북한https://x` stay text). A URI is a scheme pandoc knows (IANA's, plus doi, isbn, pmid
and javascript) in any case, a colon, then runs of address characters; other punctuation
belongs to it only between address characters, and (), {} and [] only around one run, so
`(http://a.org/b_(c))` links `http://a.org/b_(c)` and `http://a.org.` leaves the full stop
out. An e-mail address is words of letters, digits and `!#$%&'*+-/=?^_{|}~;` joined by
single dots, an `@`, and a domain. A bare link followed by `</a>` stays text, as does one in
a link's text. `www.example.org` without a scheme is text (linkify-it, which Dossier used
before, made it a link), as it is in pandoc.

Where Dossier parts from pandoc: `javascript:`, `vbscript:`, `data:` and `file:` addresses stay
text (markdown-it's validateLink refuses the first three in written links too; a written `file:`
link is refused with a message by the link resolver, which leaves bare links alone).

URIs are an inline rule at the colon, which takes the scheme back from the text before it, so
the address is read before emphasis, as pandoc reads it (`http://a.org/*b*` links through
`*b`). E-mail addresses are a core rule over text, so that an address holding `_` or `*`,
which markdown-it reads as possible emphasis, is found whole.

May import: the base modules only.
"""

from __future__ import annotations

import re
from html.entities import html5

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# pandoc's Text.Pandoc.URI.schemes: the IANA URI schemes and the unofficial doi, isbn, javascript, pmid
SCHEMES = frozenset("""
aaa aaas about acap acct acr adiumxtra afp afs aim appdata apt attachment aw barion beshare bitcoin
blob bolo browserext callto cap chrome chrome-extension cid coap coaps com-eventbrite-attendee content
crid cvs data dav dict dis dlna-playcontainer dlna-playsingle dns dntp dtn dvb ed2k example facetime
fax feed feedready file filesystem finger fish ftp geo gg git gizmoproject go gopher graph gtalk h323
ham hcp http https hxxp hxxps hydrazone iax icap icon im imap info iotdisco ipn ipp ipps irc irc6 ircs
iris iris.beep iris.lwz iris.xpc iris.xpcs isostore itms jabber jar jms keyparc lastfm ldap ldaps lvlt
magnet mailserver mailto maps market message mid mms modem mongodb moz ms-access ms-browser-extension
ms-drive-to ms-enrollment ms-excel ms-gamebarservices ms-getoffice ms-help ms-infopath
ms-media-stream-id ms-officeapp ms-project ms-powerpoint ms-publisher ms-search-repair
ms-secondary-screen-controller ms-secondary-screen-setup ms-settings ms-settings-airplanemode
ms-settings-bluetooth ms-settings-camera ms-settings-cellular ms-settings-cloudstorage
ms-settings-connectabledevices ms-settings-displays-topology ms-settings-emailandaccounts
ms-settings-language ms-settings-location ms-settings-lock ms-settings-nfctransactions
ms-settings-notifications ms-settings-power ms-settings-privacy ms-settings-proximity
ms-settings-screenrotation ms-settings-wifi ms-settings-workplace ms-spd ms-sttoverlay ms-transit-to
ms-virtualtouchpad ms-visio ms-walk-to ms-whiteboard ms-whiteboard-cmd ms-word msnim msrp msrps mtqp
mumble mupdate mvn news nfs ni nih nntp notes ocf oid onenote onenote-cmd opaquelocktoken pack palm
paparazzi pkcs11 platform pop pres prospero proxy pwid psyc qb query redis rediss reload res resource
rmi rsync rtmfp rtmp rtsp rtsps rtspu secondlife service session sftp sgn shttp sieve sip sips skype
smb sms smtp snews snmp soap.beep soap.beeps soldat spotify ssh steam stun stuns submit svn tag
teamspeak tel teliaeid telnet tftp things thismessage tip tn3270 tool turn turns tv udp unreal urn
ut2004 v-event vemmi ventrilo videotex vnc view-source wais webcal wpid ws wss wtai wyciwyg xcon
xcon-userid xfire xmlrpc.beep xmlrpc.beeps xmpp xri ymsgr z39.50 z39.50r z39.50s
doi isbn javascript pmid
""".split())
_LONGEST_SCHEME = max(map(len, SCHEMES))
_SCHEME_TAIL = re.compile(r"[A-Za-z0-9.+-]+\Z")

# After `scheme:`, pandoc's uri parser: runs of address characters (letters, digits and
# #$%+/@\_-&=); commas or one other character (not a space, < or >) only before an address
# character; (), {} or [] around one run; then an optional final '/'. Each step is atomic,
# as in pandoc's parser, which never takes back what a step read.
_WORD = r"[\w#$%+/@\\&=-]"
_RUN = rf"(?>{_WORD}+|,+(?={_WORD})|[^\s<>](?={_WORD}))"
_ADDRESS = re.compile(rf"(?![*_\]])(?>\({_RUN}\)|\{{{_RUN}\}}|\[{_RUN}\]|{_RUN})++/?")
_CLOSING_A = re.compile(r"\s*</a\s*>", re.IGNORECASE)

_ALNUM = r"[^\W_]"
_EMAIL_WORD = rf"{_ALNUM}(?:{_ALNUM}|[!\"#$%&'*+\-/=?^_{{|}}~;])*"
_MAILBOX = re.compile(rf"{_EMAIL_WORD}(?:\.{_EMAIL_WORD})*")
_MAILBOX_CHAR = re.compile(r"[\w.!\"#$%&'*+\-/=?^{|}~;]")
_SUBDOMAIN = rf"(?:{_ALNUM}|-(?={_ALNUM}))+"
_DOMAIN = re.compile(rf"{_SUBDOMAIN}(?:\.{_SUBDOMAIN})*")
# A bare link's tokens are marked as markdown-it marks its linkify links; the text is text_special,
# so the typographer leaves the address as written (markdown-it's text_join makes it text).
_MARKUP, _INFO = "linkify", "auto"
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def bare_uris_plugin(md: MarkdownIt) -> None:
    """Link bare URIs (an inline rule at ':') and e-mail addresses (a core rule, before the typographer)."""
    md.inline.ruler.after("text", "bare_uri", _bare_uri)
    md.core.ruler.before("replacements", "bare_emails", _bare_emails)


def _bare_uri(state: StateInline, silent: bool) -> bool:
    # In silent mode (a link's label being measured) there is no text before the colon to take
    # the scheme from; there is no link inside a link's text either.
    pos = state.pos
    if silent or state.src[pos] != ":" or state.linkLevel > 0:
        return False
    start = _scheme_start(state.src, pos, state.pending)
    if start is None:
        return False
    address = _ADDRESS.match(state.src, pos + 1, state.posMax)
    if address is None or _CLOSING_A.match(state.src, address.end()):
        return False
    written = _from_entities(state.src[start:address.end()])
    href = state.md.normalizeLink(written)
    if not _usable(state.md, href):
        return False
    state.pending = state.pending[:len(state.pending) - (pos - start)]
    state.push("link_open", "a", 1).attrs = {"href": href}
    state.push("text_special", "", 0).content = written
    state.push("link_close", "a", -1)
    for token in state.tokens[-3:]:
        token.markup, token.info = _MARKUP, _INFO
    state.pos = address.end()
    return True


def _usable(md: MarkdownIt, href: str) -> bool:
    return md.validateLink(href) and not href[:5].lower() == "file:"


def _scheme_start(src: str, colon: int, pending: str) -> int | None:
    """Where a scheme pandoc knows starts a token and ends at colon, within the pending text."""
    tail = _SCHEME_TAIL.search(pending)
    if tail is None:
        return None
    first = colon - min(len(tail.group()), _LONGEST_SCHEME)
    for start in range(first, colon):
        if src[start:colon].lower() in SCHEMES and _starts_token(src, start):
            return start
    return None


def _starts_token(text: str, at: int) -> bool:
    """Whether pandoc's inline parser starts a token at text[at]: its words run over letters,
    digits and single dots, and three dots are an ellipsis of their own."""
    if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "."):
        return True
    if text[at - 1].isalnum():
        return False
    dots = at
    while dots > 0 and text[dots - 1] == ".":
        dots -= 1
    return (at - dots) % 3 == 0


def _from_entities(text: str) -> str:
    """text with HTML entity references decoded, as pandoc's fromEntities does."""
    if "&" not in text:
        return text

    def decode(match: re.Match) -> str:
        name = match.group(1)
        if name[0] == "#":
            number = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            return chr(number) if 0 < number <= 0x10FFFF else match.group()
        return html5.get(name + ";", match.group())

    return _ENTITY.sub(decode, text)


def _link_tokens(href: str, text: str, level: int) -> list[Token]:
    """A link around text, made of the tokens the inline rule pushes."""
    return [Token("link_open", "a", 1, attrs={"href": href}, markup=_MARKUP, info=_INFO, level=level),
            Token("text_special", "", 0, content=text, markup=_MARKUP, info=_INFO, level=level + 1),
            Token("link_close", "a", -1, markup=_MARKUP, info=_INFO, level=level)]


def _bare_emails(state: StateCore) -> None:
    for block in state.tokens:
        if block.type == "inline" and block.children and "@" in block.content:
            block.children = _with_emails(state.md, block.children)


def _with_emails(md: MarkdownIt, children: list[Token]) -> list[Token]:
    linked: list[Token] = []
    in_link = 0
    for index, token in enumerate(children):
        if token.type in ("link_open", "link_close"):
            in_link += 1 if token.type == "link_open" else -1
        if token.type != "text" or in_link or "@" not in token.content:
            linked.append(token)
            continue
        text, done = token.content, 0
        for start, end in _emails(text):
            if _CLOSING_A.fullmatch(text[end:] + _next_html(children, index)):
                continue
            written = _from_entities(text[start:end])
            href = md.normalizeLink("mailto:" + written)
            if _usable(md, href):
                linked += _text_token(text[done:start], token) + _link_tokens(href, written, token.level)
                done = end
        linked += _text_token(text[done:], token)
    return linked


def _emails(text: str):
    """(start, end) of each e-mail address pandoc finds in text."""
    done, at = 0, text.find("@")
    while at != -1:
        domain = _DOMAIN.match(text, at + 1)
        start = _mailbox_start(text, done, at) if domain else None
        if start is None:
            at = text.find("@", at + 1)
            continue
        yield start, domain.end()
        done, at = domain.end(), text.find("@", domain.end())


def _mailbox_start(text: str, done: int, at: int) -> int | None:
    """The first token start from done on from which a mailbox runs up to at."""
    first = at
    while first > done and _MAILBOX_CHAR.match(text, first - 1):
        first -= 1
    for start in range(first, at):
        if _starts_token(text, start) and _MAILBOX.fullmatch(text, start, at):
            return start
    return None


def _next_html(children: list[Token], index: int) -> str:
    """The raw HTML right after children[index] (across line breaks), for the `</a>` check."""
    following = ""
    for token in children[index + 1:]:
        if token.type == "softbreak":
            following += "\n"
        elif token.type == "html_inline":
            return following + token.content
        else:
            break
    return ""


def _text_token(content: str, like: Token) -> list[Token]:
    return [Token("text", "", 0, content=content, level=like.level)] if content else []
