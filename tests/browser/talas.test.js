// Talas in the browser at phone width: the chat panel opens from the home page, answers a
// question with buttons, and a button press is answered; the plain chat page and the
// officers' conversation queue pass the axe-core scan.
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

test("phone: ask Talas in the panel, press a button; the chat page and the officers' queue", async () => {
  const { context, page, errors } = await newPage(browser, VIEWPORTS.phone);
  try {
    await page.goto(`${BASE}/`);
    const open = page.getByRole("button", { name: "Tanya Talas" });
    await open.click();
    const panel = page.getByRole("dialog", { name: "Tanya Talas" });
    const log = panel.getByRole("log");
    await assert.doesNotReject(log.getByText(/asisten layanan publik/).waitFor(), "greeting");
    await panel.getByLabel("Pesan Anda").fill("syarat akta kelahiran");
    await panel.getByRole("button", { name: "Kirim" }).click();
    await assert.doesNotReject(log.getByText(/^Persyaratan Penerbitan Akta Kelahiran/).waitFor(), "answer");
    const cost = log.getByRole("button", { name: "Biaya" });
    await cost.click();
    await assert.doesNotReject(log.getByText(/Penerbitan Akta Kelahiran gratis|Biaya Penerbitan Akta Kelahiran/).waitFor());
    assert.equal(await log.getByText("Biaya", { exact: true }).count(), 1, "the press is shown as its title");
    await assertAccessible(page, "chat panel");
    await page.keyboard.press("Escape");
    assert.equal(await panel.count(), 0, "Escape closes the panel");

    // The same conversation on the plain page (the cookie is the key).
    await page.goto(`${BASE}/talas`);
    assert.match(await page.getByRole("log").textContent(), /syarat akta kelahiran/);
    assert.equal(await page.getByRole("button", { name: "Tanya Talas" }).count(), 0, "no chat button on the chat page");
    await assertAccessible(page, "chat page");

    // The officers' queue, signed in as the admin.
    await page.goto(`${BASE}/petugas/percakapan`);
    await page.waitForURL(/\/masuk\?kembali=/);
    await page.getByLabel("Surel atau nomor ponsel").fill("admin@contoh.id");
    await page.getByLabel("Kata sandi").fill("kata-sandi-admin-uji");
    await page.getByRole("button", { name: "Masuk" }).last().click();
    await page.waitForURL(/\/petugas\/percakapan$/);
    assert.match(await page.textContent("h1"), /Percakapan dengan warga/);
    await assertAccessible(page, "officers' conversations");
    assert.deepEqual(errors, [], "no script errors");
  } finally {
    await context.close();
  }
});
