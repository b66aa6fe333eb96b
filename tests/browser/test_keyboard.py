"""Keyboard-only use: the answering page's sticky progress bar never hides the focused element (WCAG 2.2 SC 2.4.11),
a respondent answers a whole questionnaire and submits with the keyboard alone, and a coordinator logs in and reaches
a wave's results the same way. On every element the keyboard reaches, a visible focus indicator (WCAG 2.4.7): a
computed outline or box-shadow. The skip link (「本文へスキップ」) moves the focus to the main content."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.surveys.models import Response
from shokuba.surveys.tests.matrix import survey_world
from tests import test_permission_matrix
from tests.test_permission_matrix import World

world = test_permission_matrix.world  # the matrix's fixture: its users, a published questionnaire and an open wave

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

MAX_STEPS = 400  # Tab presses on one page before the test gives up (the workplace questionnaire needs about 90)

# The focused element: what it is, whether its focus is visible, and whether the sticky progress bar covers it.
_FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const hit = document.elementFromPoint(x, y);
    const own = (node) => node === element || element.contains(node)
        || [...(element.labels || [])].some((label) => label === node || label.contains(node));
    const bar = document.querySelector("[data-progress]");
    const barBox = bar && !bar.hidden ? bar.getBoundingClientRect() : null;
    return {
        tag: element.tagName.toLowerCase(), type: element.type || "", name: element.name || "", id: element.id || "",
        text: (element.innerText || element.getAttribute("aria-label") || "").trim().slice(0, 40),
        inForm: !!element.closest("#survey-form"),
        checked: element.type === "radio"
            ? !!document.querySelector(`input[type=radio][name="${CSS.escape(element.name)}"]:checked`)
            : !!element.checked,
        submit: element.classList.contains("submit-button"),
        indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
        top: box.top, visibleAtCentre: hit !== null && own(hit), barBottom: barBox ? barBox.bottom : null,
    };
}"""


def focused(page: Any) -> dict[str, Any]:
    info = page.evaluate(_FOCUSED)
    assert info is not None, "the keyboard focus left the page's elements"
    return dict(info)


def _label(info: dict[str, Any]) -> str:
    return f"<{info['tag']} type={info['type']} name={info['name']} id={info['id']}> {info['text']!r}"


def assert_focus_visible(info: dict[str, Any]) -> None:
    assert info["indicator"], f"no visible focus indicator on {_label(info)}"


def assert_not_under_the_bar(info: dict[str, Any]) -> None:
    where = f"{_label(info)} (top {info['top']:.0f}, bar bottom {info['barBottom']})"
    assert info["visibleAtCentre"], f"the focused element is covered: {where}"
    if info["barBottom"] is not None:
        assert info["top"] >= info["barBottom"] - 0.5, f"the focused element is under the progress bar: {where}"


def tab_until(page: Any, wanted: Any, key: str = "Tab") -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element satisfies `wanted`; every element on the way must show
    its focus."""
    info = page.evaluate(_FOCUSED)
    if info is not None and wanted(info):  # already there (the login page puts the focus on the user name)
        return dict(info)
    for _ in range(MAX_STEPS):
        page.keyboard.press(key)
        info = page.evaluate(_FOCUSED)
        if info is None:  # past the last element: the browser's own controls, then the page again
            continue
        assert_focus_visible(info)
        if wanted(info):
            return dict(info)
    raise AssertionError(f"{key} never reached the element looked for")


def skip_to_main(page: Any) -> None:
    """The first Tab on a page reaches the skip link; Enter on it puts the focus on the main content."""
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["tag"] == "a" and info["text"] == "本文へスキップ", _label(info)
    assert_focus_visible(info)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_progress_bar_never_hides_the_focused_element(page: Any, world: World, width: int) -> None:
    link = survey_world(world).link
    page.set_viewport_size({"width": width, "height": 640})
    page.goto(f"/s/{link.token}/")
    expect(page.locator("[data-progress]")).to_be_visible()
    skip_to_main(page)

    # Forward through every field of the questionnaire to the submit button, then back up to the first field:
    # going back, the browser scrolls each element into view at the top of the window, where the bar sticks.
    seen = 0
    for _ in range(MAX_STEPS):
        page.keyboard.press("Tab")
        info = focused(page)
        if info["inForm"]:
            seen += 1
            assert_focus_visible(info)
            assert_not_under_the_bar(info)
        if info["submit"]:
            break
    assert seen >= 30, seen  # the workplace questionnaire's rows, questions and attributes
    back = 0
    for _ in range(MAX_STEPS):
        page.keyboard.press("Shift+Tab")
        info = focused(page)
        if not info["inForm"]:
            break
        back += 1
        assert_focus_visible(info)
        assert_not_under_the_bar(info)
    assert back >= seen - 2, (back, seen)


def answer_with_the_keyboard(page: Any, info: dict[str, Any]) -> None:
    """Answer the focused field: a radio group with the arrow keys (the arrow key also checks), a checkbox with Space, a
    select with the arrow keys, a text field by typing."""
    if info["type"] == "radio":
        if not info["checked"]:
            page.keyboard.press("ArrowDown")  # checks the next option of the group
    elif info["type"] == "checkbox":
        if not info["checked"]:
            page.keyboard.press("Space")
    elif info["tag"] == "select":
        page.keyboard.press("ArrowDown")
    elif info["tag"] == "textarea" or info["type"] in {"text", "search"}:
        page.keyboard.type("キーボードだけで回答しました")
    elif info["type"] == "number":
        page.keyboard.type("3")


def test_a_respondent_answers_and_submits_with_the_keyboard_only(page: Any, world: World) -> None:
    link = survey_world(world).link
    before = Response.objects.filter(wave=link.wave).count()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/s/{link.token}/")
    skip_to_main(page)

    answered = 0
    for _ in range(MAX_STEPS):
        page.keyboard.press("Tab")
        info = focused(page)
        assert_focus_visible(info)
        if info["submit"]:
            break
        if info["inForm"] and info["tag"] in {"input", "select", "textarea"}:
            answer_with_the_keyboard(page, info)
            answered += 1
            assert_focus_visible(focused(page))
    else:
        raise AssertionError("Tab never reached the submit button")
    assert answered >= 30, answered
    # Shift+Tab back into the last field and Tab forward again: the submit button, which Enter presses.
    page.keyboard.press("Shift+Tab")
    assert focused(page)["inForm"] and not focused(page)["submit"]
    assert tab_until(page, lambda i: i["submit"])["submit"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("回答を受け付けました")
    response = Response.objects.filter(wave=link.wave).order_by("-pk").first()
    assert Response.objects.filter(wave=link.wave).count() == before + 1 and response is not None
    assert response.answers.get("WS-FREE") == "キーボードだけで回答しました", response.answers
    assert page.locator(".field-error").count() == 0


def test_a_coordinator_reaches_results_with_the_keyboard_only(page: Any, world: World) -> None:
    from conftest import PASSWORD

    wave = survey_world(world).wave
    page.goto("/login/")
    tab_until(page, lambda i: i["id"] == "id_username")
    page.keyboard.type(world.users["coord"].username)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    skip_to_main(page)
    page.keyboard.press("Shift+Tab")  # back from the main content into the header's menu
    tab_until(page, lambda i: i["tag"] == "a" and i["text"] == "アンケート", key="Shift+Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, lambda i: i["tag"] == "a" and i["text"] == wave.name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, lambda i: i["tag"] == "a" and i["text"] == "集計・分析を見る")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/surveys/waves/{wave.pk}/results/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
