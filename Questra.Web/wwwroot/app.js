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

// The guard behind focusFirstIn and focusWhenShown, measured in wall-clock time (a loaded machine stretches a count
// of frames past MudBlazor's own late focus moves). It puts the focus on the target, answers true as soon as it is
// there (false when that did not happen in time), and then keeps it for a moment against those late moves:
//  - for up to holdMs after it first arrived, wherever else the focus went;
//  - until untilMs from the start, only when the focus fell to nothing, the page or an element no one can Tab to.
// It stops at once when the person acts (a key, a pointer), when the focus lands on a field (never take it from
// someone typing), when the tab is hidden, and when another guard starts: one guard at a time.
let currentGuard = null;

function holdFocus(findRoot, targetIn, isWhereItShouldBe, isField, holdMs = 1500, untilMs = 3000) {
    currentGuard?.stop();
    return new Promise(resolve => {
        const started = performance.now();
        let arrivedAt = null;
        let stopped = false;
        const guard = { stop: () => { stopped = true; } };
        currentGuard = guard;
        const onFocus = event => { if (isField(event.target)) guard.stop(); };
        document.addEventListener("keydown", guard.stop, true);
        document.addEventListener("pointerdown", guard.stop, true);
        document.addEventListener("focusin", onFocus, true);
        const finish = () => {
            document.removeEventListener("keydown", guard.stop, true);
            document.removeEventListener("pointerdown", guard.stop, true);
            document.removeEventListener("focusin", onFocus, true);
            if (currentGuard === guard) currentGuard = null;
            const root = findRoot();
            resolve(root !== null && isWhereItShouldBe(root, document.activeElement)); // no-op when answered already
        };
        const fallen = element => !element || element === document.body || element.tabIndex < 0;
        const step = () => {
            try {
                const now = performance.now();
                if (stopped || document.hidden || now - started >= untilMs) {
                    finish();
                    return;
                }
                const root = findRoot();
                if (root) {
                    const active = document.activeElement;
                    const mayMove = arrivedAt === null || now - arrivedAt < holdMs || fallen(active);
                    if (!isWhereItShouldBe(root, active) && mayMove) targetIn(root)?.focus();
                    if (isWhereItShouldBe(root, document.activeElement)) {
                        arrivedAt ??= now;
                        resolve(true);
                    }
                }
                requestAnimationFrame(step);
            } catch (error) {
                finish();
                throw error;
            }
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
