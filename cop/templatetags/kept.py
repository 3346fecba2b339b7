"""`{% kept value ... %}…{% endkept %}`: a part of the page rendered once per process for each
combination of the values named, then reused.

The site header (menu, language switch, log-out form) is the same on most pages for everyone with
the same language and roles, yet rendering its dozen URL, translation and language tags cost the
worker about a fifth of the agenda page. Like Django's `{% cache %}`, the part may show only what
follows from the values named (the template names every variable the part reads); unlike it, the
part may hold the request's CSRF token: it is rendered with a marker in the token's place, and each
request's own token is put there. Kept in the process, not in Redis: it changes only with the code
(templates, URLs, translations), and a round trip would cost what it saves. With DEBUG on the part
is rendered every time, so that an edited template shows at once."""

import secrets

from django import template
from django.conf import settings
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A stand-in for the CSRF token while a part is rendered: random per process, so that no request
# path or other text on the page can contain it.
MARKER = secrets.token_hex(16)
# Parts kept per tag at most (a path in the key makes one per page), and the longest kept: the
# header is about 1.2 K characters, but a key may hold a visitor's address or Referer (the language
# switch's return address), which could otherwise fill a worker's memory with long ones.
KEPT = 1000
LONGEST = 8000


class KeptNode(template.Node):
    # Not searched for blocks: Django looks through a whole parent template for {% block %} tags
    # on every render of a page that extends it, the header's hundred nodes included. A part
    # kept holds no blocks (they would not be kept per page anyway).
    child_nodelists = ()

    def __init__(self, nodelist: template.NodeList, values: list[template.base.FilterExpression]) -> None:
        self.nodelist = nodelist
        self.values = values
        self.parts: dict[tuple, list[str]] = {}

    def render(self, context: template.Context) -> SafeString:
        token = context.get("csrf_token")
        if settings.DEBUG or token is None or str(token) == "NOTPROVIDED":
            return self.nodelist.render(context)
        key = tuple(value.resolve(context) for value in self.values)
        parts = self.parts.get(key)
        if parts is None:
            with context.push(csrf_token=MARKER):
                rendered = self.nodelist.render(context)
            parts = rendered.split(MARKER)
            if len(rendered) <= LONGEST:
                if len(self.parts) >= KEPT:  # bounded, and cheaper than keeping the least recently used
                    self.parts.clear()
                self.parts[key] = parts
        return mark_safe(str(token).join(parts))  # noqa: S308 (the template's own output, autoescaped)


@register.tag
def kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not values:
        raise template.TemplateSyntaxError("'kept' needs the values the part depends on")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("'kept' cannot hold a {% block %}: pages could not replace it")
    return KeptNode(nodelist, values)
