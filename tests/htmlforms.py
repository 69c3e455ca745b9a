"""Read the POST form of a page the way a browser would submit it: every input, checked box,
selected option and textarea, as a dict of lists (what the test client posts)."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # [(attrs, {name: [values]}, {name: kind})]
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = (attrs, {}, {})
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        data, kinds = self._form[1], self._form[2]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            kinds.setdefault(name, kind)
            if kind in ("checkbox", "radio"):
                data.setdefault(name, [])
                if "checked" in attrs:
                    data[name].append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            kinds.setdefault(name, "textarea")
            self._textarea = name
            data.setdefault(name, []).append("")
        elif tag == "select" and name:
            kinds.setdefault(name, "select-multiple" if "multiple" in attrs else "select")
            self._select = name
            self._options = []
            data.setdefault(name, [])
        elif tag == "option" and self._select:
            self._options.append(attrs.get("value", ""))
            if "selected" in attrs:
                data[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            # A single select with nothing selected sends its first option, as browsers do.
            data, kinds = self._form[1], self._form[2]
            if kinds[self._select] == "select" and not data[self._select] and self._options:
                data[self._select].append(self._options[0])
            self._select = None

    def handle_data(self, text):
        if self._textarea and self._form is not None:
            values = self._form[1][self._textarea]
            values[-1] += text.removeprefix("\n") if not values[-1] else text


def post_form(html):
    """(data, kinds) of the first method=post form holding more than the CSRF token (not the
    header's logout form): data = {name: [values]}, kinds = {name: input type}."""
    parser = _FormParser()
    parser.feed(html if isinstance(html, str) else html.decode())
    for attrs, data, kinds in parser.forms:
        if attrs.get("method", "get").lower() != "post":
            continue
        if set(data) - {"csrfmiddlewaretoken"}:
            return data, kinds
    raise AssertionError("The page has no POST form with fields")
