// satupintu service worker: keeps the app shell and an offline page so the installed app
// opens on a bad connection. Pages are network-first (catalog data must be fresh);
// static assets are cache-first (their URLs carry a version).
"use strict";
const VERSION = "__VERSION__";
const CACHE = "satupintu-" + VERSION;
const SHELL = [
  "/offline",
  "/static/app.css?v=" + VERSION,
  "/static/app.js?v=" + VERSION,
  "/static/icon-192.png",
  "/favicon.svg",
  "/manifest.webmanifest",
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.startsWith("satupintu-") && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(request).then(function (hit) { return hit || caches.match("/offline"); });
      })
    );
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname === "/favicon.svg") {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          const copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          return response;
        });
      })
    );
  }
});
