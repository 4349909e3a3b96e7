{% load i18n %}/* Service worker of the new-visit form (scope /inspections/), rendered by
 * inspections.views.service_worker. It keeps the form's page and the static files the form
 * uses, so that the form opens with no signal once it was opened online. Only GET requests
 * for those are answered here: the API (and every write) goes to the network as usual, so a
 * visit sent with no network fails in the page, which keeps it in its queue. */
"use strict";

const VERSION = "{{ version }}";
const CACHE = "bureau-visit-form-" + VERSION;
const FORM_URL = "{{ form_url }}";
const ASSETS = {{ assets_json|safe }};
const NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // one by one: a file that cannot be fetched now does not stop the others; a page that
      // redirects (signed out: the login page) is not kept
      Promise.all([FORM_URL, ...ASSETS].map((url) =>
        fetch(new Request(url, { credentials: "same-origin", cache: "no-cache" }))
          .then((response) => (response.ok && !response.redirected ? cache.put(url, response) : null))
          .catch(() => null),
      )),
    ).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("bureau-visit-form-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

/* The form's page: from the network when it answers in time (and kept), else as kept. */
async function formPage(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), NETWORK_TIMEOUT_MS)),
    ]);
    if (response.ok && response.type === "basic" && !response.redirected) await cache.put(FORM_URL, response.clone());
    return response;
  } catch (e) {
    const kept = await cache.match(FORM_URL);
    if (kept) return kept;
    const text = "{% translate "没有网络，本机也没有保存检查表单。请在有网络时打开一次“记录检查”页面。" as t %}{{ t|escapejs }}";
    return new Response(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><p>${text}</p>`, {
      status: 503, headers: { "Content-Type": "text/html; charset=utf-8" },
    });
  }
}

/* A static file: as kept (fast, and offline), refreshed in the background. */
async function asset(request) {
  const cache = await caches.open(CACHE);
  const path = new URL(request.url).pathname;
  const kept = await cache.match(path);
  const fresh = fetch(request)
    .then((response) => {
      if (response.ok) cache.put(path, response.clone());
      return response;
    })
    .catch(() => null);
  if (kept) return kept;
  return (await fresh) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === FORM_URL) {
    event.respondWith(formPage(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(asset(request));
  }
});
