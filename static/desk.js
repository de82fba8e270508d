// The counter is keyboard-first: the swipe box keeps focus; F2 clears, F4 goes to the block reason, Esc returns.
// A keyboard-wedge reader types the card and presses Enter (some send CR+LF: two Enters). The box is emptied
// as soon as a read is sent, so the next read never mixes with it, and an Enter on an empty box sends nothing.
(function () {
  const box = () => document.getElementById("q");
  const result = () => document.getElementById("result");
  const typingElsewhere = () => {
    const a = document.activeElement;
    return a && a !== box() && (a.tagName === "INPUT" || a.tagName === "TEXTAREA" || a.tagName === "SELECT");
  };
  const focusBox = () => { if (!typingElsewhere()) box().focus(); };
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target === box() && !box().value.trim()) {
      e.preventDefault();  // an empty Enter, or the LF of a CR+LF: nothing to send
    } else if (e.key === "F2") {
      e.preventDefault();
      const b = document.querySelector("#result .js-clear");
      if (b) b.click();
    } else if (e.key === "F4") {
      e.preventDefault();
      const r = document.querySelector("#result .js-reason");
      if (r) r.focus();
    } else if (e.key === "Escape") {
      box().focus();
    }
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest("input, textarea, select, button, a")) box().focus();
  });
  document.body.addEventListener("htmx:beforeRequest", (e) => {
    if (e.target.id === "swipe") e.target.reset();  // the values are already taken: the box is free for the next read
  });
  document.body.addEventListener("htmx:afterRequest", focusBox);
  document.body.addEventListener("htmx:afterSwap", focusBox);
  const failed = () => {
    const r = result();
    const p = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = r.dataset.error;
    p.appendChild(strong);
    const div = document.createElement("div");
    div.className = "result result-bad";
    div.dataset.result = "error";
    div.appendChild(p);
    r.replaceChildren(div);
    box().focus();
  };
  document.body.addEventListener("htmx:responseError", failed);
  document.body.addEventListener("htmx:sendError", failed);
  setInterval(() => { if (!typingElsewhere() && document.activeElement !== box()) box().focus(); }, 1500);
})();
