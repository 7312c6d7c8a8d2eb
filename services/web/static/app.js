// The few live parts: the inbox follows notify's WatchInbox (server-sent events), the Week
// allocation shows it is working, the calendar address selects itself. Pages work without it.
"use strict";

function followInbox(list) {
  const source = new EventSource(list.dataset.events);
  const live = document.getElementById("inbox-live");
  const empty = document.getElementById("inbox-empty");
  source.addEventListener("item", (event) => {
    const { html } = JSON.parse(event.data);
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const item = template.content.firstElementChild;
    if (!item || document.getElementById(item.id)) return;
    list.prepend(item);
    if (empty) empty.hidden = true;
    if (live) live.textContent = live.dataset.arrived;
  });
}

function showProgress(form) {
  form.addEventListener("submit", () => {
    const progress = document.getElementById(form.dataset.progress);
    if (progress) progress.hidden = false;
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const inbox = document.getElementById("inbox");
  if (inbox && window.EventSource) followInbox(inbox);
  document.querySelectorAll("form[data-progress]").forEach(showProgress);
  document.querySelectorAll("input.copy").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
});
