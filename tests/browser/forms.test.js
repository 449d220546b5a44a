// The form editor of the back-office: an admin adds a single-choice field to a service's
// request form (a refused save first: a choice needs options), and the apply page asks
// for it; then the list of service forms and of failed deliveries. Each page is scanned
// with axe-core.
//
// SATUPINTU_URL is a running `satupintu serve --demo` with an admin admin@contoh.id and its
// password `kata-sandi-admin-uji` (scripts/test creates it).
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

test("admin adds a choice field to a service's form; the apply page asks for it", async () => {
  const { context, page, errors } = await newPage(browser, VIEWPORTS.phone);
  // New names on every run, so the suite can run again against the same server.
  const stamp = Date.now().toString(36);
  const label = `Kelurahan ${stamp}`;
  try {
    await page.goto(`${BASE}/admin/layanan/SURAT-DOMISILI/formulir`);
    await page.waitForURL(/\/masuk\?kembali=/);
    await page.getByLabel("Surel atau nomor ponsel").fill("admin@contoh.id");
    await page.getByLabel("Kata sandi").fill("kata-sandi-admin-uji");
    await page.getByRole("button", { name: "Masuk" }).last().click();
    await page.waitForURL(/\/admin\/layanan\/SURAT-DOMISILI\/formulir$/);
    await assertAccessible(page, "form editor");

    // The first empty row becomes a required single choice; saved without options first.
    const row = page.getByRole("group", { name: /^Isian baru/ }).first();
    await row.getByLabel("Label (pertanyaan untuk warga)").fill(label);
    await row.getByLabel("Kunci").fill(`kelurahan_${stamp}`);
    await row.getByLabel("Jenis isian").selectOption("choice");
    await row.getByLabel("Wajib diisi").check();
    await page.getByRole("button", { name: "Simpan formulir" }).click();
    const problems = page.getByRole("alert");
    assert.match(await problems.textContent(), /minimal satu pilihan/);
    await assertAccessible(page, "form editor with a problem");

    // What was typed is still there, next to its problem: add the options and save.
    const typed = page.getByRole("group", { name: new RegExp(label) });
    assert.match(await typed.textContent(), /minimal satu pilihan/);
    await typed.getByLabel(/^Pilihan, satu per baris/).fill("Cibogor\nPabaton");
    await page.getByRole("button", { name: "Simpan formulir" }).click();
    await page.waitForURL(/\/formulir\?tersimpan=1$/);
    assert.match(await page.getByRole("status").textContent(), /Formulir tersimpan/);

    // Residents are asked for it.
    await page.getByRole("link", { name: "Lihat formulir seperti yang dilihat warga" }).click();
    await page.waitForURL(/\/layanan\/SURAT-DOMISILI\/ajukan$/);
    const choice = page.getByLabel(label);
    assert.equal(await choice.evaluate((e) => e.tagName), "SELECT");
    assert.deepEqual(await choice.locator("option").allTextContents(), ["— pilih —", "Cibogor", "Pabaton"]);
    await assertAccessible(page, "apply page with the new field");

    // The other new back-office pages: the agencies' forms, and failed deliveries.
    await page.goto(`${BASE}/petugas/layanan`);
    assert.match(await page.textContent("main"), /Formulir sendiri/);
    await assertAccessible(page, "service forms");
    await page.goto(`${BASE}/admin/kiriman`);
    assert.match(await page.textContent("h1"), /Kiriman gagal/);
    await assertAccessible(page, "failed deliveries");
    assert.deepEqual(errors, [], "no script errors");
  } finally {
    await context.close();
  }
});
