"""Run axe-core (vendored under static/vendor/) in a page and report what it finds.

The script is served by the live server like any of our static files: our CSP allows scripts from
the same origin only, so an inline copy (add_script_tag(path=...)) would be refused.
"""

from django.templatetags.static import static
from playwright.sync_api import Page

AXE_VERSION = "4.14.1"
AXE_SCRIPT = f"vendor/axe-core-{AXE_VERSION}/axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

# WCAG 2.x A and AA plus axe's best practices: what the portal promises its users.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def run_axe(page: Page, base_url: str) -> list[dict]:
    """All axe violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=base_url + static(AXE_SCRIPT))
        page.wait_for_function("() => typeof window.axe !== 'undefined'")
    return page.evaluate(
        "options => axe.run(document, options).then(result => result.violations)", AXE_OPTIONS
    )


def blocking_violations(violations: list[dict]) -> list[dict]:
    """The violations of serious or critical impact: those fail a test."""
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """A readable list of violations with the elements concerned, for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '')}")
    return "\n".join(lines)
