// The public status page and the warning on a down application's service page, against
// `satupintu serve --demo` (its monitoring is sample history with paused checks, and one
// application down), at phone and desktop widths with the axe-core scan.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { BASE, VIEWPORTS, launch, newPage: openPage, assertAccessible } = require("./support.js");

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`${name}: status page with daily bars, incidents and a table; the down app's warning`, async () => {
    const { context, page, errors } = await openPage(browser, viewport);
    try {
      await page.goto(`${BASE}/status`);
      await page.getByRole("heading", { level: 1, name: "Status layanan" }).waitFor();
      assert.match(await page.textContent("main"), /aplikasi sedang terganggu/);
      assert.match(await page.textContent("main"), /terganggu sejak/);
      // Every bar list is labelled, its bars (runs of alike days) cover 90 days, and each
      // has words for screen readers.
      const lists = page.locator("ol.health-bars");
      assert.ok((await lists.count()) > 0);
      const widths = await lists.first().locator("li").evaluateAll((bars) =>
        bars.map((b) => Number([...b.classList].find((c) => /^w\d+$/.test(c)).slice(1))));
      assert.equal(widths.reduce((a, b) => a + b, 0), 90);
      assert.match(await lists.first().getAttribute("aria-label"), /90 hari terakhir/);
      assert.match(await lists.first().locator("li .visually-hidden").last().textContent(), /\d{2}-\d{2}-\d{4}: /);
      assert.ok((await page.locator("table tbody tr").count()) > 0, "the summary table");
      await assertAccessible(page, `status (${name})`);
      // The down application's service page says so.
      const down = page.locator("section[aria-labelledby=gangguan-terbuka] a").first();
      await down.click();
      await page.locator(".status-alert").waitFor();
      assert.match(await page.textContent(".status-alert"), /sedang terganggu|terganggu sejak/);
      await assertAccessible(page, `service page while down (${name})`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
