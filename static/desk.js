// The counter is keyboard-first: the swipe box keeps focus; F2 clears, F4 goes to the block reason, Esc returns.
(function () {
  const box = () => document.getElementById("q");
  const typingElsewhere = () => {
    const a = document.activeElement;
    return a && a !== box() && (a.tagName === "INPUT" || a.tagName === "TEXTAREA" || a.tagName === "SELECT");
  };
  document.addEventListener("keydown", (e) => {
    if (e.key === "F2") {
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
  document.body.addEventListener("htmx:afterSwap", () => { if (!typingElsewhere()) box().focus(); });
  setInterval(() => { if (!typingElsewhere() && document.activeElement !== box()) box().focus(); }, 1500);
})();
