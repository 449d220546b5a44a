// Applying for a service on the portal, the way a resident does it: sign up, open a
// service, fill in its form and attach the documents, get a tracking code, follow the
// request, and track it without signing in. Each page is scanned with axe-core.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { BASE, VIEWPORTS, launch, newPage, assertAccessible } = require("./support.js");

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`${name}: apply with documents, get a tracking code, follow and track it`, async () => {
    const { context, page, errors } = await newPage(browser, viewport);
    try {
      const email = `pemohon.${name}.${Date.now()}@contoh.id`;
      await page.goto(`${BASE}/layanan/SKTM`);
      await page.getByRole("link", { name: "Ajukan permohonan di sini" }).click();
      // Not signed in: sign up first, and come back to the form.
      await page.waitForURL(/\/masuk\?kembali=/);
      await page.getByRole("link", { name: "Daftar" }).last().click();
      await page.getByLabel("Nama lengkap").fill("Dewi Anggraini");
      await page.getByLabel("Surel", { exact: true }).fill(email);
      await page.getByLabel("Kata sandi", { exact: true }).fill("kata-sandi-dewi-1");
      await page.getByLabel("Ulangi kata sandi").fill("kata-sandi-dewi-1");
      await page.getByRole("button", { name: "Daftar" }).last().click();
      await page.waitForURL(/\/layanan\/SKTM\/ajukan$/);
      await assertAccessible(page, `${name} request form`);

      // Send without the documents: the browser itself asks for them (required fields).
      const files = page.locator('input[type="file"]');
      const count = await files.count();
      assert.ok(count >= 1, "the requirements are asked for as documents");
      for (let i = 0; i < count; i++) {
        await files.nth(i).setInputFiles({ name: `dokumen-${i + 1}.pdf`, mimeType: "application/pdf", buffer: PDF });
      }
      await page.getByLabel("Catatan").fill("Untuk pendaftaran sekolah anak");
      await page.getByRole("button", { name: "Kirim permohonan" }).click();
      await page.waitForURL(/\/permohonan\/BGR-[A-Z0-9]{4}-[A-Z0-9]{3}\?baru=1$/);
      const code = (await page.locator("#kode-lacak").textContent()).trim();
      assert.match(code, /^BGR-[A-Z0-9]{4}-[A-Z0-9]{3}$/);
      assert.match(await page.textContent("main"), /Untuk pendaftaran sekolah anak/);
      await assertAccessible(page, `${name} request sent`);

      await page.goto(`${BASE}/permohonan`);
      assert.match(await page.textContent("main"), new RegExp(code));
      await assertAccessible(page, `${name} my requests`);

      // Anyone can track it by code, typed loosely; answers stay private.
      const tracker = await newPage(browser, viewport);
      try {
        await tracker.page.goto(`${BASE}/lacak`);
        await tracker.page.getByLabel("Kode lacak").fill(code.toLowerCase().replaceAll("-", " "));
        await tracker.page.getByRole("button", { name: "Lacak" }).click();
        await tracker.page.waitForURL(/\/lacak\?kode=/);
        assert.match(await tracker.page.textContent("main"), /Diajukan/);
        assert.doesNotMatch(await tracker.page.textContent("main"), /pendaftaran sekolah/);
        await assertAccessible(tracker.page, `${name} track`);
        // A mistyped code says what is wrong.
        const wrong = code.slice(0, -1) + (code.endsWith("2") ? "3" : "2");
        await tracker.page.goto(`${BASE}/lacak?kode=${wrong}`);
        assert.match(await tracker.page.getByRole("alert").textContent(), /./);
        await assertAccessible(tracker.page, `${name} track error`);
      } finally {
        await tracker.context.close();
      }
      assert.deepEqual(errors, [], "no script errors");
    } finally {
      await context.close();
    }
  });
}
