// satupintu portal: progressive enhancement only. Every page works without this file.
"use strict";

// Installable app: the service worker caches the shell and serves the offline page.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      // No offline support in this browser session; the portal still works online.
    });
  });
}
