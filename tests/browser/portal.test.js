// Browser tests of the flows people use, in Debian's Chromium, at phone and desktop widths,
// each page scanned with axe-core (WCAG 2.1 A/AA): no serious or critical violations.
//
// SATUPINTU_URL points at a running `satupintu serve --demo`; CHROMIUM overrides the browser.
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

const newPage = (viewport) => openPage(browser, viewport);

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`${name}: home, filter the catalog, open a service`, async () => {
    const { context, page, errors } = await newPage(viewport);
    try {
      await page.goto(`${BASE}/`);
      await assert.doesNotReject(page.getByRole("heading", { level: 1 }).waitFor());
      assert.match(await page.textContent("main"), /dari 327 aplikasi terintegrasi/);
      assert.match(await page.textContent("body"), /Data contoh\./);
      await assertAccessible(page, `${name} home`);

      // Go to the catalog from the navigation and narrow it to health services.
      await page.getByRole("navigation", { name: "Menu utama" }).getByRole("link", { name: "Layanan" }).click();
      await page.waitForURL(/\/layanan$/);
      await page.getByLabel("Kategori").selectOption("kesehatan");
      await page.getByLabel("Status").selectOption("terintegrasi");
      await page.getByRole("button", { name: "Terapkan" }).click();
      await page.waitForURL(/kategori=kesehatan/);
      const status = await page.getByRole("status").textContent();
      const found = Number(status.match(/(\d+) layanan ditemukan/)[1]);
      assert.ok(found > 0 && found < 327, `filtered count ${found}`);
      const cards = page.locator("ul.cards > li.card");
      assert.equal(await cards.count(), Math.min(found, 20));
      for (const badge of await page.locator("ul.cards .badge").allTextContents()) {
        assert.equal(badge.trim(), "Terintegrasi");
      }
      await assertAccessible(page, `${name} catalog`);

      // Open the first service and read its standard.
      const first = cards.first().getByRole("link");
      const serviceName = (await first.textContent()).trim();
      await first.click();
      await page.waitForURL(/\/layanan\/[A-Z0-9-]+$/);
      assert.equal((await page.getByRole("heading", { level: 1 }).textContent()).trim(), serviceName);
      await assert.doesNotReject(page.getByRole("heading", { name: "Standar pelayanan" }).waitFor());
      await assertAccessible(page, `${name} service`);
      assert.deepEqual(errors, [], "no script errors");
    } finally {
      await context.close();
    }
  });

  test(`${name}: search box, agencies, progress and errors are accessible`, async () => {
    const { context, page, errors } = await newPage(viewport);
    try {
      await page.goto(`${BASE}/`);
      await page.getByRole("combobox", { name: "Cari layanan" }).fill("akta kelahiran");
      await page.getByRole("button", { name: "Cari" }).first().click();
      await page.waitForURL(/\/cari\?q=akta/);
      assert.match(await page.textContent("h1"), /akta kelahiran/);
      await page.goto(`${BASE}/opd`);
      await assertAccessible(page, `${name} agencies`);
      await page.goto(`${BASE}/opd/DISDUKCAPIL`);
      await assertAccessible(page, `${name} agency`);
      await page.goto(`${BASE}/kemajuan`);
      assert.ok(await page.locator("svg polyline.line").count() === 1, "chart drawn");
      await assertAccessible(page, `${name} progress`);
      const response = await page.goto(`${BASE}/tidak-ada`);
      assert.equal(response.status(), 404);
      assert.match(await page.textContent("h1"), /Halaman tidak ditemukan/);
      await assertAccessible(page, `${name} 404`);
      await page.goto(`${BASE}/api/v1/docs`);
      await assertAccessible(page, `${name} API docs`);
      assert.deepEqual(errors, [], "no script errors");
    } finally {
      await context.close();
    }
  });
}

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`${name}: search as you type, then the results page`, async () => {
    const { context, page, errors } = await newPage(viewport);
    try {
      await page.goto(`${BASE}/`);
      const box = page.getByRole("combobox", { name: "Cari layanan" });
      await box.pressSequentially("akta kel", { delay: 30 });
      const list = page.getByRole("listbox");
      await list.waitFor();
      assert.equal(await box.getAttribute("aria-expanded"), "true");
      const first = list.getByRole("option").first();
      assert.match(await first.textContent(), /Akta Kelahiran/);
      await assertAccessible(page, `${name} autocomplete open`);
      await box.press("ArrowDown");
      assert.equal(await first.getAttribute("aria-selected"), "true");
      await box.press("Enter");
      await page.waitForURL(/\/layanan\/AKTA-KELAHIRAN$/);

      // The form itself goes to the ranked results, with highlights and facets.
      await page.goto(`${BASE}/`);
      await page.getByRole("combobox", { name: "Cari layanan" }).fill("bikin ktp");
      await page.getByRole("button", { name: "Cari" }).first().click();
      await page.waitForURL(/\/cari\?q=bikin\+ktp/);
      const top = page.locator("ol.results > li").first();
      assert.match(await top.textContent(), /KTP-el/);
      assert.ok((await top.locator("mark").count()) > 0, "matches highlighted");
      await assertAccessible(page, `${name} search results`);
      await page.locator("aside.facets").getByRole("link", { name: "Kependudukan", exact: true }).click();
      await page.waitForURL(/kategori=kependudukan/);
      await top.getByRole("link").first().click();
      await page.waitForURL(/\/layanan\/KTP-EL$/);
      assert.deepEqual(errors, [], "no script errors");
    } finally {
      await context.close();
    }
  });
}

test("a typo gets a Maksud Anda suggestion", async () => {
  const { context, page } = await newPage(VIEWPORTS.phone);
  try {
    await page.goto(`${BASE}/cari?q=kartu+keluaga`);
    await page.locator("p.suggestion a").click();
    await page.waitForURL(/q=kartu\+keluarga/);
    assert.match(await page.textContent("h1"), /kartu keluarga/);
  } finally {
    await context.close();
  }
});

test("create an account, sign out, sign in again", async () => {
  const { context, page, errors } = await newPage(VIEWPORTS.phone);
  const email = `warga${Date.now()}@contoh.id`;
  try {
    await page.goto(`${BASE}/`);
    await page.getByRole("link", { name: "Masuk" }).first().click();
    await page.getByRole("link", { name: "Daftar akun" }).click();
    await assertAccessible(page, "register");
    await page.getByLabel("Nama lengkap").fill("Budi Santoso");
    await page.getByLabel("Surel").fill(email);
    await page.getByLabel("Kata sandi", { exact: true }).fill("rahasia-kota-bogor");
    await page.getByLabel("Ulangi kata sandi").fill("rahasia-kota-bogor");
    await page.getByRole("button", { name: "Daftar" }).click();
    await page.waitForURL(/\/akun$/);
    assert.match(await page.textContent("main"), /Budi Santoso/);
    await assertAccessible(page, "account");
    await page.getByRole("button", { name: "Keluar", exact: true }).click();
    await page.waitForURL(`${BASE}/`);
    await page.goto(`${BASE}/akun`);
    await page.waitForURL(/\/masuk\?kembali=%2Fakun$/);
    await assertAccessible(page, "sign in");
    await page.getByLabel("Surel atau nomor ponsel").fill(email);
    await page.getByLabel("Kata sandi").fill("rahasia-kota-bogor");
    await page.getByRole("button", { name: "Masuk" }).last().click();
    await page.waitForURL(/\/akun$/);
    assert.match(await page.textContent("header"), /Budi Santoso/);
    assert.deepEqual(errors, [], "no script errors");
  } finally {
    await context.close();
  }
});

test("admin office: sign in as admin, change a status, pages are accessible", async () => {
  const { context, page, errors } = await newPage(VIEWPORTS.desktop);
  try {
    await page.goto(`${BASE}/admin`);
    await page.waitForURL(/\/masuk\?kembali=%2Fadmin$/);
    await page.getByLabel("Surel atau nomor ponsel").fill("admin@contoh.id");
    await page.getByLabel("Kata sandi").fill("kata-sandi-admin-uji");
    await page.getByRole("button", { name: "Masuk" }).last().click();
    await page.waitForURL(/\/admin$/);
    await assertAccessible(page, "admin home");
    await page.getByRole("link", { name: "Pengguna dan peran" }).click();
    await assertAccessible(page, "admin users");
    await page.goto(`${BASE}/admin`);
    await page.getByLabel("Kode layanan").fill("ktp-el");
    await page.getByRole("button", { name: "Buka" }).click();
    await page.waitForURL(/\/admin\/layanan\/KTP-EL$/);
    await assertAccessible(page, "admin service");
    await page.getByLabel("Status baru").selectOption("dalam_proses");
    await page.getByLabel("Catatan (tampil di riwayat)").fill("Uji peramban");
    await page.getByRole("region", { name: "Ubah status integrasi" }).getByRole("button", { name: "Simpan" }).click();
    await page.waitForURL(/tersimpan=1$/);
    assert.match(await page.textContent("main"), /Uji peramban/);
    // Put it back, so the other tests see the demo city as it was.
    await page.getByLabel("Status baru").selectOption("terintegrasi");
    await page.getByRole("region", { name: "Ubah status integrasi" }).getByRole("button", { name: "Simpan" }).click();
    await page.waitForURL(/tersimpan=1$/);
    await page.goto(`${BASE}/admin/audit`);
    assert.match(await page.textContent("main"), /Rantai log utuh/);
    await assertAccessible(page, "admin audit");
    await page.goto(`${BASE}/admin/pencarian`);
    assert.match(await page.textContent("h1"), /Statistik pencarian/);
    await assertAccessible(page, "admin search statistics");
    assert.deepEqual(errors, [], "no script errors");
  } finally {
    await context.close();
  }
});

test("admin office: create an agency through the form, catalog pages are accessible", async () => {
  const { context, page, errors } = await newPage(VIEWPORTS.phone);
  // A fresh code on every run, so the suite can run again against the same server.
  const code = `UJI-${Date.now().toString(36).toUpperCase()}`;
  try {
    await page.goto(`${BASE}/admin/opd`);
    await page.waitForURL(/\/masuk\?kembali=%2Fadmin%2Fopd$/);
    await page.getByLabel("Surel atau nomor ponsel").fill("admin@contoh.id");
    await page.getByLabel("Kata sandi").fill("kata-sandi-admin-uji");
    await page.getByRole("button", { name: "Masuk" }).last().click();
    await page.waitForURL(/\/admin\/opd$/);
    await assertAccessible(page, "admin agencies");
    await page.getByRole("link", { name: "Tambah OPD" }).click();
    await page.waitForURL(/\/admin\/opd\/baru$/);
    await assertAccessible(page, "new agency form");
    // Sent empty: the form comes back with a message per field, and stays accessible.
    await page.getByLabel("Kode OPD").fill("1 salah");
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.waitForSelector("#f-kode-error");
    assert.equal(await page.inputValue("#f-kode"), "1 salah");
    await assertAccessible(page, "agency form with problems");
    await page.getByLabel("Kode OPD").fill(code);
    await page.getByLabel("Nama resmi").fill("Dinas Uji Peramban");
    await page.getByLabel("Jenis").selectOption("dinas");
    await page.getByLabel("Surel").fill("uji@kotabogor.go.id");
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.waitForURL(new RegExp(`/admin/opd/${code}\\?tersimpan=baru$`));
    assert.match(await page.textContent("main"), /OPD tersimpan/);
    await page.goto(`${BASE}/opd/${code}`);
    assert.match(await page.textContent("h1"), /Dinas Uji Peramban/);
    await page.goto(`${BASE}/admin/layanan/baru`);
    await assertAccessible(page, "new service form");
    await page.goto(`${BASE}/admin/impor`);
    await assertAccessible(page, "import and export");
    assert.deepEqual(errors, [], "no script errors");
  } finally {
    await context.close();
  }
});

test("language switch to English and back", async () => {
  const { context, page } = await newPage(VIEWPORTS.desktop);
  try {
    await page.goto(`${BASE}/layanan?kategori=kesehatan`);
    await page.getByRole("link", { name: "English" }).first().click();
    await page.waitForURL(/\/layanan\?kategori=kesehatan$/);
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.match(await page.textContent("h1"), /All services/);
    await assertAccessible(page, "english catalog");
    await page.getByRole("link", { name: "Bahasa Indonesia" }).first().click();
    await page.waitForURL(/\/layanan\?kategori=kesehatan$/);
    assert.equal(await page.getAttribute("html", "lang"), "id");
  } finally {
    await context.close();
  }
});

test("installed app: the service worker serves the offline page without a network", async () => {
  const { context, page } = await newPage(VIEWPORTS.phone);
  try {
    await page.goto(`${BASE}/`);
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    // The worker claims the page; wait until it controls it before going offline.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 }).catch(async () => {
      await page.reload();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
    });
    await context.setOffline(true);
    await page.goto(`${BASE}/layanan/tidak-pernah-dibuka`).catch(() => {});
    assert.match(await page.textContent("h1"), /Anda sedang luring/);
    await context.setOffline(false);
  } finally {
    await context.close();
  }
});

test("works without JavaScript: the filter form submits as a plain GET", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORTS.phone, locale: "id-ID" });
  const page = await context.newPage();
  try {
    await page.goto(`${BASE}/layanan`);
    await page.getByLabel("Pengguna").selectOption("bisnis");
    await page.getByRole("button", { name: "Terapkan" }).click();
    await page.waitForURL(/pengguna=bisnis/);
    assert.match(await page.getByRole("status").textContent(), /\d+ layanan ditemukan/);
  } finally {
    await context.close();
  }
});

test("agency office: an admin works a guest complaint, pages are accessible", async () => {
  // A guest complaint through the API, as any client sends it.
  const sent = await fetch(`${BASE}/api/v1/requests`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      service: "SP4N-LAPOR",
      answers: { kategori: "Penerangan jalan umum", uraian: "Lampu jalan mati di Jl. Pajajaran", alamat: "Depan Kebun Raya" },
      guest: { name: "Pak RT", contact: "0812 3456 7890" },
    }),
  });
  assert.equal(sent.status, 201);
  const { tracking_code: code } = await sent.json();
  const { context, page, errors } = await newPage(VIEWPORTS.phone);
  try {
    await page.goto(`${BASE}/petugas`);
    await page.waitForURL(/\/masuk\?kembali=%2Fpetugas$/);
    await page.getByLabel("Surel atau nomor ponsel").fill("admin@contoh.id");
    await page.getByLabel("Kata sandi").fill("kata-sandi-admin-uji");
    await page.getByRole("button", { name: "Masuk" }).last().click();
    await page.waitForURL(/\/petugas$/);
    await page.getByLabel("Kode layanan").fill("sp4n-lapor");
    await page.getByRole("button", { name: "Terapkan" }).click();
    await page.waitForURL(/layanan=sp4n-lapor/);
    await assertAccessible(page, "office queue");
    await page.getByRole("link", { name: code }).click();
    await page.waitForURL(new RegExp(`/petugas/permohonan/${code}$`));
    assert.match(await page.textContent("main"), /Lampu jalan mati/);
    await assertAccessible(page, "office request");
    await page.getByRole("button", { name: "Diterima", exact: true }).click();
    await page.waitForURL(/tersimpan=status$/);
    // A fix request must say what to fix: refused with the reason, the page still accessible.
    await page.getByRole("button", { name: "Perlu perbaikan" }).click();
    await page.waitForSelector(".form-error");
    await assertAccessible(page, "office request, refused change");
    await page.locator("#status-catatan").fill("Lampirkan foto lokasi yang lebih jelas");
    await page.getByRole("button", { name: "Perlu perbaikan" }).click();
    await page.waitForURL(/tersimpan=status$/);
    assert.match(await page.textContent("main"), /Diterima → Perlu perbaikan/);
    await page.locator("#catatan").fill("Sudah dikoordinasikan dengan Dinas PUPR");
    await page.getByRole("button", { name: "Tambah catatan" }).click();
    await page.waitForURL(/tersimpan=catatan$/);
    await page.goto(`${BASE}/petugas/ringkasan`);
    await assertAccessible(page, "office dashboard");
    assert.deepEqual(errors, [], "no script errors");
  } finally {
    await context.close();
  }
});
