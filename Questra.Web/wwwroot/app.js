// Small browser helpers for the dashboard.
window.questra = {
    // Moves the focus to the first focusable element inside the element with this id (a dialog that just opened).
    // The dialog host puts the content into the page a frame or two later, and its focus trap may then move the
    // focus to a boundary element: for a moment, bring it back whenever it is outside the dialog's content.
    focusFirstIn: async function (id) {
        let held = 0;
        for (let frame = 0; frame < 90 && held < 15; frame++) {
            const root = document.getElementById(id);
            if (root && root.contains(document.activeElement)) {
                held++;
            } else {
                held = 0;
                const target = root && root.querySelector("[data-autofocus], input:not([type=hidden]):not([disabled]), button:not([disabled]), select, textarea, a[href]");
                if (target) target.focus();
            }
            await new Promise(resolve => requestAnimationFrame(resolve));
        }
        return held > 0;
    },
    // Puts the focus on the element matching the selector once it is on the page, and keeps it there for a few frames
    // against a closing dialog that gives the focus back to the button that opened it. Stops as soon as the person
    // acts (a key, a pointer) or the focus goes to a field, so it never takes the focus from someone typing.
    focusWhenShown: async function (selector) {
        let stopped = false;
        const stop = () => { stopped = true; };
        const onFocus = event => { if (event.target.matches("input, textarea, select, [contenteditable]")) stopped = true; };
        document.addEventListener("keydown", stop, true);
        document.addEventListener("pointerdown", stop, true);
        document.addEventListener("focusin", onFocus, true);
        let held = 0;
        try {
            for (let frame = 0; frame < 120 && held < 20 && !stopped; frame++) {
                const target = document.querySelector(selector);
                if (target && document.activeElement === target) {
                    held++;
                } else if (target) {
                    held = 0;
                    target.focus();
                }
                await new Promise(resolve => requestAnimationFrame(resolve));
            }
        } finally {
            document.removeEventListener("keydown", stop, true);
            document.removeEventListener("pointerdown", stop, true);
            document.removeEventListener("focusin", onFocus, true);
        }
        return held > 0;
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
