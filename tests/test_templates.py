import re

from tests.conftest import ROOT

# A paragraph cannot hold a form, a list or a form's field group (Django renders errors as a <ul>):
# the browser closes the <p> before it, so what follows falls out of the paragraph's layout. The
# sprint rounds lost their columns that way and the meeting page's buttons their spacing.
BLOCK_IN_PARAGRAPH = re.compile(
    r"<p(?:\s[^>]*)?>(?:(?!</p>).)*?(<form\b|<ul\b|<ol\b|<div\b|<table\b|\.errors\s*}}|\.as_div\s*}}|as_field_group\s*}})",
    re.DOTALL,
)


def test_no_paragraph_holds_a_form_a_list_or_a_field_with_its_errors():
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1} {match[1]}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for text in [path.read_text()]
        for match in BLOCK_IN_PARAGRAPH.finditer(text)
    ]
    assert found == []
