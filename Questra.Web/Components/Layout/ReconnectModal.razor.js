// Opens the reconnect dialog while blazor.web.js reports the connection down, and wires its buttons.
const modal = document.getElementById("components-reconnect-modal");

modal.addEventListener("components-reconnect-state-changed", event => {
    const state = event.detail.state;
    if (state === "hide") {
        if (modal.open) modal.close();
        return;
    }
    if (!modal.open) modal.showModal();
    if (state === "failed") document.addEventListener("visibilitychange", retryWhenVisible);
});

document.getElementById("components-reconnect-button").addEventListener("click", retry);
document.getElementById("components-resume-button").addEventListener("click", resume);
document.getElementById("components-reload-button").addEventListener("click", () => location.reload());

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenVisible);
    try {
        // false: the server answered but no longer knows this page; try resuming its saved state instead.
        if (!await Blazor.reconnect()) await resume();
    } catch {
        document.addEventListener("visibilitychange", retryWhenVisible);
    }
}

async function resume() {
    try {
        if (!await Blazor.resumeCircuit()) location.reload();
    } catch {
        modal.classList.replace("components-reconnect-paused", "components-reconnect-resume-failed");
    }
}

async function retryWhenVisible() {
    if (document.visibilityState === "visible") await retry();
}
