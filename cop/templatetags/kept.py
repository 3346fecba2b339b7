"""`{% kept value ... [put name ...] %}…{% endkept %}`: a part of the page rendered once per
process for each combination of the values named, then reused.

The site header (menu, language switch, log-out form) is the same on most pages for everyone with
the same language and roles, yet rendering its dozen URL, translation and language tags cost the
worker about a fifth of the agenda page. Like Django's `{% cache %}`, the part may show only what
follows from the values named (the template names every variable the part reads); unlike it, the
part may hold what differs on every request without making a part for each: the CSRF token, and
the variables named after `put`. The part is rendered with a marker in each one's place, and each
request's own values (escaped) are put there. A variable put in may only be shown as it is
(`{{ name }}`, no filter, not tested in an `{% if %}`): the marker stands in for it once rendered.

Kept in the process, not in Redis: it changes only with the code (templates, URLs, translations),
and a round trip would cost what it saves. With DEBUG on the part is rendered every time, so that
an edited template shows at once."""

import re
import secrets

from django import template
from django.conf import settings
from django.template.base import VariableNode
from django.template.loader_tags import BlockNode
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Stand-ins while a part is rendered, one per value put in (the CSRF token first): random per
# process, so that no request path or other text on the page can contain one.
MARKER = secrets.token_hex(16)
MARKERS = re.compile(f"{MARKER}(\\d\\d)")
# Parts kept per tag at most (a template could name a value with many possible values), and the
# longest kept.
KEPT = 1000
LONGEST = 8000


class KeptNode(template.Node):
    # Not searched for blocks: Django looks through a whole parent template for {% block %} tags
    # on every render of a page that extends it, the header's hundred nodes included. A part
    # kept holds no blocks (they would not be kept per page anyway).
    child_nodelists = ()

    def __init__(self, nodelist: template.NodeList, values: list, put: list[str]) -> None:
        self.nodelist = nodelist
        self.values = values
        self.put = ["csrf_token", *put]
        self.parts: dict[tuple, list] = {}

    def render(self, context: template.Context) -> SafeString:
        token = context.get("csrf_token")
        if settings.DEBUG or token is None or str(token) == "NOTPROVIDED":
            return self.nodelist.render(context)
        key = tuple(value.resolve(context) for value in self.values)
        parts = self.parts.get(key)
        if parts is None:
            with context.push({name: f"{MARKER}{slot:02d}" for slot, name in enumerate(self.put)}):
                rendered = self.nodelist.render(context)
            # Text, then the slot of a value to put in, then text, and so on.
            parts = MARKERS.split(rendered)
            parts[1::2] = [int(slot) for slot in parts[1::2]]
            if len(rendered) <= LONGEST:
                if len(self.parts) >= KEPT:  # bounded, and cheaper than keeping the least recently used
                    self.parts.clear()
                self.parts[key] = parts
        values = [str(token), *(conditional_escape(context.get(name, "")) for name in self.put[1:])]
        pieces = parts[:]
        pieces[1::2] = [values[slot] for slot in parts[1::2]]
        return mark_safe("".join(pieces))  # noqa: S308 (the template's own output, autoescaped)


@register.tag
def kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    bits = token.split_contents()[1:]
    values, put = (bits[: bits.index("put")], bits[bits.index("put") + 1 :]) if "put" in bits else (bits, [])
    if not values:
        raise template.TemplateSyntaxError("'kept' needs the values the part depends on")
    if len(put) > 98 or not all(name.isidentifier() for name in put):
        raise template.TemplateSyntaxError("'kept' puts in variables by their names")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("'kept' cannot hold a {% block %}: pages could not replace it")
    for node in nodelist.get_nodes_by_type(VariableNode):
        expression = node.filter_expression
        if getattr(expression.var, "var", None) in put and expression.filters:
            raise template.TemplateSyntaxError(f"'kept' puts in {expression.var.var} as it is: no filter")
    return KeptNode(nodelist, [parser.compile_filter(bit) for bit in values], put)
