// Shared by the browser tests: Debian's Chromium, pages that collect script errors, and
// the axe-core scan (WCAG 2.1 A/AA: no serious or critical violations).
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const { chromium } = require("playwright-core");

const BASE = process.env.SATUPINTU_URL || "http://127.0.0.1:8080";
const AXE = path.join(path.dirname(require.resolve("axe-core")), "axe.min.js");
const VIEWPORTS = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 800 },
};

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
}

async function newPage(browser, viewport) {
  // axe is injected as a script; the portal's CSP (rightly) forbids that, so the test
  // context bypasses CSP. The app's own pages never need it.
  const context = await browser.newContext({ viewport, bypassCSP: true, locale: "id-ID" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Console errors are script errors; a failed page load (an intended 404) is not, but a
  // missing stylesheet, script or image is.
  page.on("console", (m) => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text()); });
  page.on("response", (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== "document") errors.push(`${r.status()} ${r.url()}`);
  });
  return { context, page, errors };
}

async function assertAccessible(page, label) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(report, [], `${label}: accessibility violations`);
  assert.ok(result.passes.length > 10, `${label}: axe ran too few checks`);
}

module.exports = { BASE, VIEWPORTS, launch, newPage, assertAccessible };
