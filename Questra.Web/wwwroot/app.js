// Small browser helpers for the dashboard.
window.questra = {
    // Moves the focus to the first focusable element inside the element with this id (a dialog that just opened),
    // and keeps it inside for a moment: MudBlazor's dialog host and focus trap may move it again after this runs,
    // later still on a busy machine. Answers once the focus is there; the guard goes on without holding up the caller.
    focusFirstIn: function (id) {
        return holdFocus(
            () => document.getElementById(id),
            root => root.querySelector("[data-autofocus], input:not([type=hidden]):not([disabled]), button:not([disabled]), select, textarea, a[href]"),
            (root, element) => root.contains(element),
            () => false);
    },
    // Puts the focus on the element matching the selector once it is on the page, and keeps it there for a moment
    // against a closing dialog that gives the focus back to the button that opened it.
    focusWhenShown: function (selector) {
        return holdFocus(
            () => document.querySelector(selector),
            target => target,
            (target, element) => target === element,
            element => element.matches("input, textarea, select, [contenteditable]"));
    },
    // Copies text to the clipboard; falls back to a selection for pages not served over HTTPS.
    copy: async function (text) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            const area = document.createElement("textarea");
            area.value = text;
            area.setAttribute("readonly", "");
            area.style.position = "fixed";
            area.style.opacity = "0";
            document.body.appendChild(area);
            area.select();
            const ok = document.execCommand("copy");
            area.remove();
            return ok;
        }
    }
};

// The guard behind focusFirstIn and focusWhenShown. For up to holdMs of wall-clock time (not a count of frames,
// which a loaded machine stretches) the focus goes back to the target whenever it is elsewhere — until the person
// acts (a key, a pointer) or the focus lands on a field (never take the focus from someone typing). The promise
// answers true as soon as the focus is where it should be, false if that never happened in time.
function holdFocus(findRoot, targetIn, isWhereItShouldBe, isField, holdMs = 3000) {
    return new Promise(resolve => {
        const started = performance.now();
        let answered = false;
        let stopped = false;
        const answer = value => { if (!answered) { answered = true; resolve(value); } };
        const stop = () => { stopped = true; };
        const onFocus = event => { if (isField(event.target)) stopped = true; };
        document.addEventListener("keydown", stop, true);
        document.addEventListener("pointerdown", stop, true);
        document.addEventListener("focusin", onFocus, true);
        const step = () => {
            const root = findRoot();
            if (root && isWhereItShouldBe(root, document.activeElement)) {
                answer(true);
            } else if (root && !stopped) {
                targetIn(root)?.focus();
            }
            if (!stopped && performance.now() - started < holdMs) {
                requestAnimationFrame(step);
                return;
            }
            document.removeEventListener("keydown", stop, true);
            document.removeEventListener("pointerdown", stop, true);
            document.removeEventListener("focusin", onFocus, true);
            answer(root !== null && isWhereItShouldBe(root, document.activeElement));
        };
        step();
    });
}

// Static pages (no live connection): a button with data-copy-from="ID" copies the text of element ID, one item a line.
document.addEventListener("click", async event => {
    const button = event.target.closest("[data-copy-from]");
    if (!button) return;
    const id = button.getAttribute("data-copy-from");
    const source = document.getElementById(id);
    if (!source) return;
    const text = Array.from(source.children).map(child => child.textContent.trim()).join("\n");
    const ok = await window.questra.copy(text);
    const status = document.querySelector(`[data-copy-status="${id}"]`);
    const what = button.getAttribute("data-copy-what") || "the codes";
    if (status) status.textContent = ok ? "Copied." : `Could not copy; select ${what} and copy by hand.`;
});

// Menus built on <details data-menu> (the account menu) close as menus do: on Escape (focus back on the summary),
// on a click outside, and when a link inside is followed (Blazor's enhanced navigation keeps the page).
function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(menu => {
        if (menu !== except) menu.removeAttribute("open");
    });
}
document.addEventListener("keydown", event => {
    if (event.key !== "Escape") return;
    const open = document.querySelector("details[data-menu][open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary")?.focus();
});
document.addEventListener("click", event => {
    const menu = event.target.closest("details[data-menu]");
    closeMenus(menu);
    if (menu && event.target.closest("a[href]")) menu.removeAttribute("open");
});
