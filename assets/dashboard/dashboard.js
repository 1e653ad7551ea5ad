// The dashboard's one script, small on purpose: every page works without it, and it only adds
// what a page cannot do alone — figures that change while a form on the page is being written,
// a question before an act that cannot be undone, a search through a long list of choices.
"use strict";

// A region marked data-live="URL" is replaced every 3 s by the same region as the server now
// renders it (the URL answers with that part of the page alone), until it comes back without
// data-live: nothing else on the page — a form being typed in — is touched.
function live(region) {
  const url = region.dataset.live;
  setTimeout(async () => {
    try {
      const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!answer.ok || answer.redirected) return;
      const holder = document.createElement("div");
      holder.innerHTML = await answer.text();
      const fresh = holder.firstElementChild;
      if (!fresh) return;
      region.replaceWith(fresh);
      if (fresh.dataset.live) live(fresh);
    } catch (_) {
      live(region);
    }
  }, 3000);
}

// Vietnamese typed without its marks still finds its words: "tien lu" finds "Tiên Lữ".
function folded(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-live]").forEach(live);
  document.querySelectorAll("[data-print]").forEach((button) =>
    button.addEventListener("click", () => window.print()));
  // A button with data-confirm asks first; cancelling sends nothing.
  document.querySelectorAll("button[data-confirm]").forEach((button) =>
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    }));
  // An input with data-filter="SELECTOR" shows only the labels inside SELECTOR whose words hold
  // what was typed (ticked ones stay in sight).
  document.querySelectorAll("input[data-filter]").forEach((input) => {
    const labels = document.querySelectorAll(input.dataset.filter + " label");
    input.addEventListener("input", () => {
      const wanted = folded(input.value.trim());
      labels.forEach((label) => {
        const ticked = label.querySelector("input:checked");
        label.hidden = !ticked && !folded(label.textContent).includes(wanted);
      });
    });
  });
});
