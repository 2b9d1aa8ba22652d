"""The extension in Debian's Chromium against the real server: highlights, card,
keyboard, hostile notes, pages that change, the site switch, layout, server down."""

from __future__ import annotations

import http.server
import json
import re
import threading
import time

import pytest

from browser_harness import (FIXTURE_CLAIMS, TEST_CLAIMS, ClaimnotesServer, highlights,
                             wait_for_highlight_count, wait_for_status)

pytestmark = pytest.mark.browser

CLAIMS = {c["id"]: c for f in (FIXTURE_CLAIMS, TEST_CLAIMS)
          for c in map(json.loads, f.read_text(encoding="utf-8").splitlines()) if c}

# tests/browser/pages/article.html: element id -> (claim id, the words that state the
# claim, the sentence around them). The matcher picks the span's exact ends, so a
# highlight must hold the claim's words and stay inside their sentence. Everything
# else on the page (hidden elements, form fields, contenteditable, script, noscript,
# template, unrelated prose) must get no highlight.
EXPECTED = {
    "p-lightning": ("lightning-never-twice", "never strikes the same place twice",
                    "Lightning never strikes the same place twice."),
    "li-contagious": ("cancer-contagious", "cancer is contagious", "Another letter said that cancer is contagious."),
    "td-hostile": ("browser-test-hostile-note", "exists only to test how the note card treats hostile markup",
                   "This sentence exists only to test how the note card treats hostile markup."),
    "bq-unicode": ("flu-shot-gives-flu", "flu shot gives you the flu",
                   "“Café owners 😀 told us” — and then: the flu shot gives you the flu."),
}


def assert_span(text: str, core: str, sentence: str) -> None:
    """The highlight holds the claim's words and nothing beyond their sentence."""
    assert core.lower() in text.lower() and text in sentence, (text, core)


CARD = "claimnotes-card .card"
MARKERS = "claimnotes-overlay .marker"


def open_article(page, page_server, control):
    """Loads the test article and returns (tab_id, highlights) once all are drawn."""
    page.goto(page_server.url + "/pages/article.html")
    tab_id = control.tab_id(page)
    wait_for_status(control, tab_id, {"ok"})
    found = highlights(page)
    assert [h["element"] for h in found] == list(EXPECTED), found
    return tab_id, found


def marker_for(page, element_id: str):
    """Returns the marker locator for the highlight inside the element with that id."""
    index = [h["element"] for h in highlights(page)].index(element_id)
    return page.locator(MARKERS).nth(index)


def test_highlights_are_exactly_the_expected_passages(page, page_server, control):
    tab_id, found = open_article(page, page_server, control)
    assert [h["element"] for h in found] == list(EXPECTED)
    state = control.tab_state(tab_id)
    for item, highlight in zip(state["items"], found, strict=True):
        claim_id, core, sentence = EXPECTED[highlight["element"]]
        assert item["claim_id"] == claim_id
        # the Range holds exactly the server's quote: offsets mapped to DOM nodes exactly
        assert highlight["text"] == item["quote"]
        assert_span(highlight["text"], core, sentence)
        assert highlight["name"] == f"claimnotes-{CLAIMS[claim_id]['rating']}"
    assert page.locator(MARKERS).count() == len(EXPECTED)
    assert page.errors == []


def test_card_shows_rating_note_sources_and_date(page, page_server, control):
    open_article(page, page_server, control)
    claim = CLAIMS["lightning-never-twice"]
    marker_for(page, "p-lightning").click()
    card = page.locator(CARD)
    assert card.get_attribute("role") == "dialog"
    assert card.locator(".rating").inner_text() == "False"
    assert card.locator(".note").inner_text() == claim["note"]
    links = card.locator("a")
    assert links.count() == len(claim["sources"])
    for i, source in enumerate(claim["sources"]):
        link = links.nth(i)
        assert link.get_attribute("href") == source["url"]
        assert link.inner_text() == source["title"]
        assert link.get_attribute("rel") == "noopener noreferrer"
    assert re.fullmatch(r"Last updated \w+ \d{1,2}, \d{4}", card.locator(".updated").inner_text())
    labelled = card.get_attribute("aria-labelledby")
    assert card.locator(f"#{labelled}").inner_text().startswith("Claim: ")

    page.mouse.click(5, 5)  # a click outside closes it
    assert page.locator(CARD).count() == 0
    assert page.errors == []


def test_card_stays_inside_a_small_viewport(page, page_server, control):
    page.set_viewport_size({"width": 360, "height": 480})
    open_article(page, page_server, control)
    for index in range(len(EXPECTED)):
        page.locator(MARKERS).nth(index).click()
        box = page.locator(CARD).bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= 360 and box["y"] + box["height"] <= 480
        page.keyboard.press("Escape")
        assert page.locator(CARD).count() == 0


ACTIVE_IN_OVERLAY = """() => {
  const host = document.activeElement;
  if (!host || host.localName !== 'claimnotes-overlay') return null;
  let el = host.shadowRoot.activeElement;
  if (el && el.localName === 'claimnotes-card') el = el.shadowRoot.activeElement;
  return el ? {cls: el.className, verdict: el.dataset.verdict || null, index: el.dataset.index || null,
               text: el.textContent} : null;
}"""


def test_the_whole_flow_works_from_the_keyboard(page, page_server, control, claim_server):
    open_article(page, page_server, control)
    page.bring_to_front()
    for _ in range(60):  # tab past the page's own controls to the first marker
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_IN_OVERLAY)
        if active and "marker" in active["cls"]:
            break
    else:
        pytest.fail("Tab never reached a marker")
    assert active["index"] == "0"
    page.keyboard.press("Enter")
    assert page.locator(CARD).is_visible()
    assert page.evaluate(ACTIVE_IN_OVERLAY)["cls"] == "card"  # focus moved into the card
    for _ in range(10):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_IN_OVERLAY)
        if active and active["verdict"] == "helpful":
            break
    else:
        pytest.fail("Tab never reached the Helpful button")
    page.keyboard.press("Enter")
    status = page.locator(CARD).locator(".status")
    status.filter(has_text="Thanks").wait_for()
    # the extension's POST /v1/feedback reached the real server: ours makes it two
    counts = claim_server.post("/v1/feedback", {"claim_id": "lightning-never-twice", "verdict": "helpful",
                                                "quote": "Lightning never strikes the same place twice"})
    assert counts["helpful"] == 2
    page.keyboard.press("Escape")
    assert page.locator(CARD).count() == 0
    active = page.evaluate(ACTIVE_IN_OVERLAY)
    assert active and active["index"] == "0"  # focus went back to the marker
    assert page.errors == []


def test_wrong_match_button_sends_feedback(page, page_server, control, claim_server):
    open_article(page, page_server, control)
    marker_for(page, "li-contagious").click()
    page.locator(CARD).get_by_role("button", name="Wrong match").click()
    page.locator(CARD).locator(".status").filter(has_text="Thanks").wait_for()
    counts = claim_server.post("/v1/feedback", {"claim_id": "cancer-contagious", "verdict": "wrong_match"})
    assert counts["wrong_match"] == 2


def test_html_and_script_in_a_note_render_inert(page, page_server, control):
    open_article(page, page_server, control)
    claim = CLAIMS["browser-test-hostile-note"]
    marker_for(page, "td-hostile").click()
    card = page.locator(CARD)
    assert card.locator(".note").inner_text() == claim["note"]  # shown as text, markup and all
    assert card.locator("img, script, svg, iframe, object, embed, b").count() == 0
    link = card.locator("a")
    assert link.count() == 1
    assert link.get_attribute("href").startswith("https://example.org/")
    assert link.inner_text() == claim["sources"][0]["title"]
    page.wait_for_timeout(300)  # give any injected handler a chance to run
    assert page.evaluate("window.__claimnotesPwned") is None
    assert page.errors == []


def test_javascript_and_data_urls_in_sources_are_not_links(control):
    # The server refuses non-http(s) source URLs, so render the card module directly,
    # in an extension page, with sources that a bad store or proxy could send.
    result = control.page.evaluate("""async () => {
      const { NoteCard } = await import('/src/overlay/note-element.js');
      const claim = {id: 'x', text: 'A claim.', rating: 'false', rating_text: null,
        note: '<img src=x onerror="window.__pwned=1">', updated_at: '2026-01-02T03:04:05Z',
        sources: [{url: 'javascript:window.__pwned=2', title: 'js'}, {url: 'data:text/html,<b>x</b>', title: 'data'},
                  {url: 'JaVaScRiPt:window.__pwned=3', title: 'mixed case'}, {url: 'https://www.cdc.gov/', title: 'CDC'}]};
      const card = new NoteCard(document, {claim, quote: 'A claim'}, {onFeedback: async () => ({ok: true}), onClose() {}});
      document.body.append(card.host);
      await new Promise(r => setTimeout(r, 200));
      const root = card.host.shadowRoot;
      const out = {hrefs: [...root.querySelectorAll('a')].map(a => a.href),
                   plain: [...root.querySelectorAll('li .plain')].map(s => s.textContent),
                   imgs: root.querySelectorAll('img').length, pwned: window.__pwned ?? null};
      card.host.remove();
      return out;
    }""")
    assert result == {"hrefs": ["https://www.cdc.gov/"], "plain": ["js", "data", "mixed case"], "imgs": 0, "pwned": None}


def test_text_added_after_load_and_spa_navigation_get_matches(page, page_server, control):
    open_article(page, page_server, control)
    page.evaluate("""() => {
      const p = document.createElement('p');
      p.id = 'p-late';
      p.textContent = 'A comment loaded later claims that cancer is a fungus.';
      document.querySelector('main').append(p);
    }""")
    found = wait_for_highlight_count(page, len(EXPECTED) + 1)
    late = [h for h in found if h["element"] == "p-late"]
    assert len(late) == 1
    assert_span(late[0]["text"], "cancer is a fungus", "A comment loaded later claims that cancer is a fungus.")

    # a single-page app: History API navigation, then new content
    page.evaluate("""() => {
      history.pushState({}, '', '/pages/article.html?view=next');
      document.querySelector('main').innerHTML =
        '<h1>Next story</h1><p id="p-spa">At the clinic a visitor insisted that vaccines cause autism.</p>';
    }""")
    found = wait_for_highlight_count(page, 1)
    assert found[0]["element"] == "p-spa"
    assert_span(found[0]["text"], "vaccines cause autism", "At the clinic a visitor insisted that vaccines cause autism.")
    assert page.locator(MARKERS).count() == 1
    assert page.errors == []


def test_popup_lists_matches_jumps_and_switches_the_site_off(page, page_server, control, context):
    tab_id, found = open_article(page, page_server, control)
    popup = context.new_page()
    popup.goto(f"{control.base}/src/popup/popup.html?tab={tab_id}")
    items = popup.locator("#matches .match")
    items.nth(len(EXPECTED) - 1).wait_for()
    assert items.count() == len(EXPECTED)
    assert popup.locator("#status").inner_text() == f"{len(EXPECTED)} notes on this page."
    for i, highlight in enumerate(found):
        claim_id = EXPECTED[highlight["element"]][0]
        assert items.nth(i).locator(".quote").inner_text() == f"“{highlight['text']}”"
        assert items.nth(i).locator(".rating").inner_text() == {"false": "False", "other": "Other"}[CLAIMS[claim_id]["rating"]]

    items.nth(1).click()  # jump: the page's card opens on that note
    page.locator(CARD).wait_for()
    assert page.locator(CARD).locator(".note").inner_text() == CLAIMS["cancer-contagious"]["note"]

    switch = popup.locator("#site-switch")
    assert switch.is_checked()
    switch.uncheck()
    wait_for_highlight_count(page, 0)
    assert page.locator(MARKERS).count() == 0 and page.locator(CARD).count() == 0
    popup.locator("#status").filter(has_text="switched off").wait_for()
    assert popup.locator("#matches .match").count() == 0

    switch.check()
    wait_for_highlight_count(page, len(EXPECTED))
    popup.close()
    assert page.errors == []


LAYOUT_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    out.push([el.tagName, el.id, r.x, r.y, r.width, r.height]);
  }
  return {boxes: out, width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};
}"""


def test_history_navigation_alone_starts_a_new_pass(page, page_server, control):
    tab_id, _ = open_article(page, page_server, control)
    before = control.tab_state(tab_id)["updated"]
    page.evaluate("() => history.pushState({}, '', '/pages/article.html?page=2')")  # no DOM change
    deadline = time.monotonic() + 10
    while control.tab_state(tab_id)["updated"] == before:
        assert time.monotonic() < deadline, "pushState started no new pass"
        time.sleep(0.1)
    assert len(highlights(page)) == len(EXPECTED)


@pytest.mark.parametrize("path", ["/pages/article.html", "/fixtures/seed-article.html"])
def test_page_layout_does_not_move(page, page_server, control, path):
    site = page_server.url.split("//", 1)[1]
    control.set_settings(disabledSites=[site])
    page.goto(page_server.url + path)
    tab_id = control.tab_id(page)
    wait_for_status(control, tab_id, {"off"})
    before = page.evaluate(LAYOUT_JS)
    assert highlights(page) == []

    control.set_settings(disabledSites=[])  # switching on needs no reload
    state = wait_for_status(control, tab_id, {"ok"})
    assert state["items"]
    page.locator(MARKERS).first.click()
    page.locator(CARD).wait_for()
    assert page.evaluate(LAYOUT_JS) == before
    assert page.errors == []


def test_seed_article_highlights_are_the_servers_quotes(page, page_server, control):
    # Which claims the matcher finds on this page is tests/test_golden_pages.py's job; here
    # every match the server returns must become one highlight holding exactly its quote,
    # in the article or its comments, never in the site's header, menu or footer.
    page.goto(page_server.url + "/fixtures/seed-article.html")
    tab_id = control.tab_id(page)
    state = wait_for_status(control, tab_id, {"ok"})
    found = highlights(page)
    assert len(found) == len(state["items"]) > 0
    for item, highlight in zip(state["items"], found, strict=True):
        assert highlight["text"] == item["quote"]
        assert highlight["name"] == f"claimnotes-{CLAIMS[item['claim_id']]['rating']}"
        assert "main" in highlight["ancestors"]  # the site header, menu and footer are outside <main>
    headline = page.locator("h1").inner_text()
    assert any(item["claim_id"] == "chemo-spreads-cancer" and "h1" in h["ancestors"]
               and "chemotherapy causes cancer to spread" in " ".join(h["text"].split())  # the page has an &nbsp;
               and h["text"] in headline
               for h, item in zip(found, state["items"]))
    assert page.errors == []


def test_dark_mode_card(page, page_server, control):
    page.emulate_media(color_scheme="dark")
    open_article(page, page_server, control)
    page.locator(MARKERS).first.click()
    dark = page.locator(CARD).evaluate("el => getComputedStyle(el).backgroundColor")
    page.emulate_media(color_scheme="light")
    light = page.locator(CARD).evaluate("el => getComputedStyle(el).backgroundColor")
    assert dark == "rgb(31, 32, 35)" and light == "rgb(255, 255, 255)"


def test_options_page_saves_settings_and_rejects_bad_urls(context, control):
    options = context.new_page()
    options.goto(f"{control.base}/src/options/options.html")
    options.locator("#server-url").fill("javascript:alert(1)")
    options.locator("#save").click()
    options.locator("#status").filter(has_text="must be a full http").wait_for()
    assert options.locator("#server-url").get_attribute("aria-invalid") == "true"

    options.locator("#server-url").fill("http://localhost:8000/")
    options.locator("#token").fill("reader-secret")
    options.locator("#mode-listed").check()
    options.locator("#allowed-sites").fill("example.org\nnews.example.net, example.org")
    options.locator("#save").click()
    options.locator("#status").filter(has_text="Saved").wait_for()
    stored = options.evaluate("() => Promise.all([chrome.storage.sync.get(), chrome.storage.local.get()])")
    assert stored[0]["serverUrl"] == "http://localhost:8000"
    assert stored[0]["mode"] == "listed"
    assert stored[0]["allowedSites"] == ["example.org", "news.example.net"]
    assert "mail.google.com" in stored[0]["blockedSites"]
    assert "token" not in stored[0] and stored[1]["token"] == "reader-secret"  # never synced
    options.close()


def test_server_down_leaves_the_page_working(page, page_server, control, tmp_path):
    server = ClaimnotesServer(tmp_path / "down.db", [FIXTURE_CLAIMS]).start()
    try:
        control.set_settings(serverUrl=server.url)
        page.goto(page_server.url + "/pages/article.html")
        wait_for_highlight_count(page, len(EXPECTED) - 1)  # the hostile test claim is not in this store
    finally:
        server.stop()
    page.reload()
    tab_id = control.tab_id(page)
    state = wait_for_status(control, tab_id, {"error"})
    assert state["message"] == "Can't reach the Claimnotes server."
    assert highlights(page) == []
    page.locator("#counter-button").click()
    assert page.locator("#counter-button").inner_text() == "Clicked 1"
    page.evaluate("() => { const p = document.createElement('p'); p.textContent = 'Cancer is contagious, said a later comment.'; document.body.append(p); }")
    page.wait_for_timeout(1000)
    assert highlights(page) == []
    assert page.errors == []


def test_works_under_a_strict_content_security_policy(page, page_server, control):
    page.goto(page_server.url + "/pages/strict-csp.html")
    state = wait_for_status(control, control.tab_id(page), {"ok"})
    found = highlights(page)
    assert [h["element"] for h in found] == ["p-csp"]
    assert found[0]["text"] == state["items"][0]["quote"]
    page.locator(MARKERS).first.click()
    styles = page.locator(CARD).evaluate("el => [getComputedStyle(el).borderRadius, getComputedStyle(el).overflowY]")
    assert styles == ["10px", "auto"]  # the card's own stylesheet applied despite style-src 'self'
    assert page.errors == []


def test_a_long_page_is_sent_in_batches_and_fully_matched(page, page_server, control):
    page.goto(page_server.url + "/pages/article.html")
    tab_id = control.tab_id(page)
    wait_for_status(control, tab_id, {"ok"})
    # 1,000 distinct paragraphs: more than one request's worth of blocks (200 a batch)
    page.evaluate("""() => {
      const main = document.querySelector('main');
      main.replaceChildren();
      for (let i = 0; i < 1000; i += 1) {
        const p = document.createElement('p');
        p.textContent = `Paragraph number ${i} of a very long page about the history of bridges in the city.`;
        main.append(p);
      }
      const last = document.createElement('p');
      last.id = 'p-end';
      last.textContent = 'At the very end a reader adds that lightning never strikes the same place twice.';
      main.append(last);
    }""")
    found = wait_for_highlight_count(page, 1, timeout=30_000)
    assert found[0]["element"] == "p-end"
    assert_span(found[0]["text"], "never strikes the same place twice",
                "At the very end a reader adds that lightning never strikes the same place twice.")
    assert page.errors == []


def test_reader_token_from_the_options_is_sent(page, page_server, control, tmp_path):
    server = ClaimnotesServer(tmp_path / "token.db", [FIXTURE_CLAIMS],
                              env={"CLAIMNOTES_REQUIRE_READER_TOKEN": "1"}).start()
    try:
        control.set_settings(serverUrl=server.url)
        page.goto(page_server.url + "/pages/article.html")
        tab_id = control.tab_id(page)
        state = wait_for_status(control, tab_id, {"error"})
        assert "reader token was refused" in state["message"]
        assert highlights(page) == []

        control.set_settings(token=server.create_token("reader", "browser-test"))  # no reload needed
        state = wait_for_status(control, tab_id, {"ok"})
        assert [h["element"] for h in highlights(page)] == [e for e in EXPECTED if e != "td-hostile"]
    finally:
        server.stop()
    assert page.errors == []


class _FailingHandler(http.server.BaseHTTPRequestHandler):
    """A server that answers every request with a 500 in the API's error shape."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.dumps({"status_code": 500, "detail": "Internal Server Error"}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_server_errors_are_one_quiet_line(page, page_server, control, context):
    failing = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FailingHandler)
    threading.Thread(target=failing.serve_forever, daemon=True).start()
    try:
        control.set_settings(serverUrl=f"http://127.0.0.1:{failing.server_address[1]}")
        page.goto(page_server.url + "/pages/article.html")
        tab_id = control.tab_id(page)
        state = wait_for_status(control, tab_id, {"error"})
        assert state["message"] == "The Claimnotes server answered with error 500: Internal Server Error."
        popup = context.new_page()
        popup.goto(f"{control.base}/src/popup/popup.html?tab={tab_id}")
        popup.locator("#status").filter(has_text="error 500").wait_for()
        assert popup.locator("#matches .match").count() == 0
        popup.close()
    finally:
        failing.shutdown()
        failing.server_close()
    assert highlights(page) == []
    page.locator("#counter-button").click()
    assert page.locator("#counter-button").inner_text() == "Clicked 1"
    assert page.errors == []
