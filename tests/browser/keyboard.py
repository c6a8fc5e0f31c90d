"""A keyboard and what a screen reader hears: keys only, and the focused element as
Chromium's accessibility tree names it (its role, name and description).

Every stop on the way must have a name and show its focus (WCAG 4.1.2, 2.4.7).
"""

import re

import pytest

# Where focus is and whether it shows: an outline of at least 2 CSS pixels, on the
# element or, for select2's search field inside a multiple choice, on the choice's box.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const ring = el.matches('.select2-search--inline .select2-search__field')
    ? el.closest('.select2-selection') : el;
  const style = getComputedStyle(ring);
  const rect = ring.getBoundingClientRect();
  const active = document.getElementById(el.getAttribute('aria-activedescendant') || '');
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    href: el.getAttribute('href'),
    lang: el.getAttribute('lang'),
    value: 'value' in el ? el.value : null,
    text: (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 300),
    active: active ? active.textContent.trim() : null,
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < window.innerHeight && rect.left < window.innerWidth,
  };
}"""


class Keyboard:
    """Keys pressed on ``page``, and the focused element after each."""

    def __init__(self, page, limit=300):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.limit = limit
        self.stops = 0  # Tab stops checked, for the test's summary
        self.trail = []  # the names of the latest stops, for a failure's message

    def focused(self):
        """The focused element: its role, name and description (Chromium's accessibility
        tree, as a screen reader gets them) and what the page shows of it."""
        state = self.page.evaluate(FOCUS_STATE)
        if state is None:
            return None
        handle = self.cdp.send("Runtime.evaluate", {"expression": "document.activeElement"})
        tree = self.cdp.send(
            "Accessibility.getPartialAXTree",
            {"objectId": handle["result"]["objectId"], "fetchRelatives": False},
        )
        node = tree["nodes"][0]
        self.cdp.send("Runtime.releaseObject", {"objectId": handle["result"]["objectId"]})
        return {
            **state,
            "role": node.get("role", {}).get("value", ""),
            "name": node.get("name", {}).get("value", "").strip(),
            "description": node.get("description", {}).get("value", "").strip(),
        }

    def press(self, key):
        self.page.keyboard.press(key)
        return self.focused()

    def press_until_focus_on(self, key, selector):
        """``key``, then wait until an element matching ``selector`` has the focus: for
        widgets that move it a moment later (select2 focuses the search field of a list
        it opens again in a timeout, which a loaded machine runs after the key returns)."""
        self.page.keyboard.press(key)
        self.page.wait_for_function(
            "s => document.activeElement && document.activeElement.matches(s)", arg=selector
        )
        return self.focused()

    def type(self, text):
        self.page.keyboard.type(text)
        return self.focused()

    def check(self, focused):
        """A stop a user can reach: named, and showing that it has the focus."""
        where = f"{self.page.url}, after {self.trail[-8:]}"
        assert focused is not None, f"the focus left the page's controls: {where}"
        assert focused["name"], f"a control without a name: {focused}; {where}"
        assert focused["visible"] and focused["outline"] >= 2, f"focus not visible: {focused}"
        self.stops += 1
        self.trail.append(focused["name"])
        return focused

    def tab_to(self, wanted, backwards=False):
        """Tab (or Shift+Tab) until ``wanted`` has the focus: a name (exact), a compiled
        pattern (searched in the name) or a test of the focused element."""
        key = "Shift+Tab" if backwards else "Tab"
        seen = []
        for _ in range(self.limit):
            focused = self.check(self.press(key))
            seen.append(focused["name"])
            if matches(wanted, focused):
                return focused
        pytest.fail(f"{wanted!r} not reached in {self.limit} presses of {key}: {seen}")

    def activate(self, key="Enter"):
        """``key`` on the focused link or button, waiting for the page it opens."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.page.wait_for_load_state()

    def skip_to_content(self):
        """From the top of a page: the skip link first, then into the main content."""
        focused = self.check(self.press("Tab"))
        assert "skip-to-content-link" in self.page.evaluate(
            "() => document.activeElement.className"
        ), focused
        self.page.keyboard.press("Enter")
        assert self.page.evaluate("() => document.activeElement.id") == "content-start"


def matches(wanted, focused):
    """Names compared regardless of case: Chromium names a control as CSS shows it
    (the admin's buttons and object tools in capitals)."""
    if callable(wanted):
        return wanted(focused)
    if isinstance(wanted, re.Pattern):
        return bool(re.search(wanted.pattern, focused["name"], wanted.flags | re.IGNORECASE))
    return focused["name"].casefold() == wanted.casefold()
